//! The desktop app: an eframe/egui window over this node's store.
//!
//! It owns the screens (first run, login, dashboard, patients, visits, photos, point of
//! sale, sales journal, products and stock, sync, conflicts, settings) and the worker thread that runs
//! their commands ([`backend`]). The UI thread only draws snapshots and sends commands;
//! only the worker touches SQLite and files. Permissions are enforced by `ops` in the
//! worker; the screens also hide what the signed-in role may not do. Every visible
//! string comes from the Fluent files (`locales/<code>/gui.ftl` and friends) through
//! [`tr::Tr`], which records any message that had to fall back.

pub mod app;
pub mod backend;
mod date_input;
pub mod prefs;
mod screens;
pub mod theme;
pub mod tr;
mod widgets;

use std::path::PathBuf;

pub use app::DermisApp;

use crate::i18n::Locale;

/// The window title, which the screenshot script also looks for.
pub const WINDOW_TITLE: &str = "Dermis";

/// Could not show the window.
#[derive(Debug, thiserror::Error)]
pub enum GuiError {
    #[error("cannot open the window")]
    Window {
        #[source]
        source: eframe::Error,
    },
}

/// Development switches read at start-up, so scripts can reach a screen without
/// clicking coordinates. Documented in `scripts/screenshots.sh`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DevOptions {
    /// `DERMIS_GUI_LOGIN=user:password`: sign in at start.
    pub login: Option<(String, String)>,
    /// `DERMIS_GUI_SCREEN=patients`: the screen to show after signing in (dashboard,
    /// patients, appointments, patient, encounter, photos, pos, journal, sale (the journal's
    /// newest entry opened), shift, products, sync, conflicts, settings, or lock: the lock
    /// screen over the dashboard).
    pub screen: Option<String>,
    /// `DERMIS_GUI_READY_FILE=path`: written once that screen has its data.
    pub ready_file: Option<PathBuf>,
}

impl DevOptions {
    pub fn from_env() -> DevOptions {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        DevOptions {
            login: var("DERMIS_GUI_LOGIN").and_then(|v| {
                v.split_once(':')
                    .map(|(user, password)| (user.to_owned(), password.to_owned()))
            }),
            screen: var("DERMIS_GUI_SCREEN"),
            ready_file: var("DERMIS_GUI_READY_FILE").map(PathBuf::from),
        }
    }
}

/// What opens a file the window wrote (a receipt printed again).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Viewer {
    /// The desktop's viewer: `xdg-open` (`open` on macOS, `start` on Windows).
    #[default]
    System,
    /// Nothing: the window says where the file is (tests, `DERMIS_GUI_VIEWER=off`).
    Off,
}

impl Viewer {
    /// `DERMIS_GUI_VIEWER=off` leaves written files unopened; anything else opens them.
    pub fn from_env() -> Viewer {
        match std::env::var("DERMIS_GUI_VIEWER") {
            Ok(v) if v.trim().eq_ignore_ascii_case("off") => Viewer::Off,
            _ => Viewer::System,
        }
    }
}

/// How to start the app.
#[derive(Clone, Debug)]
pub struct GuiOptions {
    pub data_dir: PathBuf,
    pub locale: Locale,
    /// The dark theme (remembered in [`prefs`]).
    pub dark: bool,
    pub max_photo_bytes: u64,
    /// The window locks after this long without input (`DERMIS_LOCK_MINUTES`).
    pub lock_after: std::time::Duration,
    /// What opens a reprinted receipt.
    pub viewer: Viewer,
    pub dev: DevOptions,
}

/// The idle time before the window locks, unless `DERMIS_LOCK_MINUTES` says otherwise.
pub const DEFAULT_LOCK_MINUTES: u64 = 10;

/// `DERMIS_LOCK_MINUTES`: whole minutes from 1 to 1440; anything else keeps the default
/// (a lock cannot be switched off: the workstation holds every patient of the clinic).
pub fn lock_after_from_env() -> std::time::Duration {
    let minutes = std::env::var("DERMIS_LOCK_MINUTES")
        .ok()
        .and_then(|v| {
            let parsed = v.trim().parse::<u64>().ok().filter(|m| (1..=1440).contains(m));
            if parsed.is_none() {
                tracing::warn!(
                    value = %v,
                    "DERMIS_LOCK_MINUTES must be whole minutes from 1 to 1440; locking after {DEFAULT_LOCK_MINUTES}"
                );
            }
            parsed
        })
        .unwrap_or(DEFAULT_LOCK_MINUTES);
    std::time::Duration::from_secs(minutes * 60)
}

impl GuiOptions {
    /// The options for `data_dir` and `locale`, with the photo size cap and the
    /// development switches taken from the environment.
    pub fn from_env(data_dir: PathBuf, locale: Locale) -> GuiOptions {
        let dark = prefs::load(&data_dir).dark;
        GuiOptions {
            data_dir,
            locale,
            dark,
            max_photo_bytes: crate::ops::photos::max_bytes_from_env(),
            lock_after: lock_after_from_env(),
            viewer: Viewer::from_env(),
            dev: DevOptions::from_env(),
        }
    }
}

/// Fonts and themes, installed once before the first frame (by the window and by the
/// tests that drive it).
pub fn setup_context(ctx: &egui::Context) {
    crate::i18n::install_fonts(ctx);
    theme::install(ctx);
}

/// Opens the window and runs until it is closed.
pub fn run(options: GuiOptions) -> Result<(), GuiError> {
    // Syncs while the window is open, unless a sync daemon already does.
    let _sync = crate::sync::background::BackgroundSync::spawn(options.data_dir.clone());
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(WINDOW_TITLE)
            .with_app_id("dermis-node")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([960.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        WINDOW_TITLE,
        native,
        Box::new(move |cc| {
            setup_context(&cc.egui_ctx);
            let app = DermisApp::new(options)?;
            Ok(Box::new(app))
        }),
    )
    .map_err(|source| GuiError::Window { source })
}

/// An error and its causes on one line, for logs.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
