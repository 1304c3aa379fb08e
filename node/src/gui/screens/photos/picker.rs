//! The in-window file browser of the photo import: no native dialog, so nothing to
//! install on a clinic's desktop. Folders first, then image files; shortcuts to home,
//! the pictures folder and removable media (a camera card); a typed folder path; the
//! keyboard moves (↑ ↓), marks (Space), opens (Enter) and goes up (Backspace). Several
//! files can be marked and go to the import at once.
//!
//! Folders are read by the backend (`Command::ListFolder`), once per folder shown.

use std::collections::BTreeSet;
use std::path::PathBuf;

use egui::{Key, Ui};

use super::PhotosState;
use crate::gui::backend::Command;
use crate::gui::backend::folders::{FolderListing, PlaceKind};
use crate::gui::screens::Ctx;
use crate::gui::widgets;

#[derive(Debug, Default)]
pub struct PickerState {
    pub open: bool,
    pub listing: Option<FolderListing>,
    /// A listing was asked for and has not come back.
    pub loading: bool,
    /// The folder path field, as typed.
    pub typed: String,
    /// Files marked in the current folder.
    pub marked: BTreeSet<PathBuf>,
    /// The row the keyboard is on.
    pub cursor: usize,
    /// The keyboard moved the cursor: scroll its row into view once.
    follow: bool,
}

impl PickerState {
    /// Opens the browser where it was last (or in the pictures folder).
    pub fn open(&mut self, ctx: &mut Ctx<'_>) {
        self.open = true;
        let path = self
            .listing
            .as_ref()
            .map(|l| l.path.clone())
            .unwrap_or_default();
        self.go(path, ctx);
    }

    fn go(&mut self, path: PathBuf, ctx: &mut Ctx<'_>) {
        self.loading = true;
        ctx.send(Command::ListFolder { path });
    }

    pub fn on_listing(&mut self, listing: FolderListing) {
        self.loading = false;
        if self.listing.as_ref().map(|l| &l.path) != Some(&listing.path) {
            self.marked.clear();
            self.cursor = 0;
        }
        self.typed = listing.path.display().to_string();
        self.listing = Some(listing);
    }
}

/// What a frame of the browser asked for.
enum Action {
    Go(PathBuf),
    Toggle(PathBuf),
    Confirm,
    Close,
}

pub fn picker_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    if !state.picker.open {
        return;
    }
    let tr = ctx.tr;
    let picker = &mut state.picker;
    let mut action = None;
    let mut open = true;
    egui::Window::new(tr.t("gui-picker-title"))
        .id(egui::Id::unique("photo-picker"))
        .open(&mut open)
        .collapsible(false)
        // In the middle of the window, at a size a folder of photos fits, like a dialog.
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .fixed_size([640.0, 480.0])
        .show(ui.ctx(), |ui| {
            ui.horizontal_wrapped(|ui| {
                if let Some(listing) = &picker.listing {
                    for place in &listing.places {
                        let text = match place.kind {
                            PlaceKind::Home => tr.t("gui-picker-home"),
                            PlaceKind::Pictures => tr.t("gui-picker-pictures"),
                            PlaceKind::Removable => place.name.clone(),
                        };
                        if ui
                            .button(text)
                            .on_hover_text(place.path.display().to_string())
                            .clicked()
                        {
                            action = Some(Action::Go(place.path.clone()));
                        }
                    }
                    if let Some(parent) = &listing.parent
                        && ui.button(tr.t("gui-picker-up")).clicked()
                    {
                        action = Some(Action::Go(parent.clone()));
                    }
                }
            });
            let label = ui.label(tr.t("gui-picker-folder"));
            let field = ui
                .add(egui::TextEdit::singleline(&mut picker.typed).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if widgets::submitted(ui, &field) {
                action = Some(Action::Go(PathBuf::from(picker.typed.trim())));
            }
            ui.separator();
            // The Enter that leaves the path field is the field's, not the list's.
            let typing = field.has_focus() || field.lost_focus();
            if let Some(a) = rows_ui(ui, picker, ctx, typing) {
                action = Some(a);
            }
            ui.separator();
            ui.horizontal(|ui| {
                let n = picker.marked.len();
                let label = tr.t_args("gui-picker-confirm", &[("count", (n.max(1) as i64).into())]);
                if ui
                    .add_enabled(n > 0, widgets::primary_button(ui, &label))
                    .clicked()
                {
                    action = Some(Action::Confirm);
                }
                if ui.button(tr.t("gui-cancel")).clicked() {
                    action = Some(Action::Close);
                }
            });
        });
    if !open || ui.input(|i| i.key_pressed(Key::Escape)) {
        action = Some(Action::Close);
    }
    let picker = &mut state.picker;
    match action {
        Some(Action::Go(path)) => picker.go(path, ctx),
        Some(Action::Toggle(path)) if !picker.marked.remove(&path) => {
            picker.marked.insert(path);
        }
        Some(Action::Confirm) => {
            let files: Vec<PathBuf> = std::mem::take(&mut picker.marked).into_iter().collect();
            picker.open = false;
            state.add_files(files);
        }
        Some(Action::Close) => picker.open = false,
        Some(Action::Toggle(_)) | None => {}
    }
}

/// The folder's rows, and the keyboard on them (unless the path field has it).
fn rows_ui(ui: &mut Ui, picker: &mut PickerState, ctx: &Ctx<'_>, typing: bool) -> Option<Action> {
    let tr = ctx.tr;
    let Some(listing) = &picker.listing else {
        ui.spinner();
        return None;
    };
    if picker.loading {
        ui.spinner();
    }
    if listing.unreadable {
        widgets::error_line(ui, &tr.t("gui-picker-unreadable"));
        return None;
    }
    if listing.entries.is_empty() {
        ui.weak(tr.t("gui-picker-empty"));
        return None;
    }
    let mut action = None;
    let last = listing.entries.len() - 1;
    if !typing {
        ui.input(|i| {
            if i.key_pressed(Key::ArrowDown) {
                picker.cursor = (picker.cursor + 1).min(last);
                picker.follow = true;
            }
            if i.key_pressed(Key::ArrowUp) {
                picker.cursor = picker.cursor.saturating_sub(1);
                picker.follow = true;
            }
            let at = listing.entries.get(picker.cursor);
            if i.key_pressed(Key::Space)
                && let Some(e) = at.filter(|e| !e.folder)
            {
                action = Some(Action::Toggle(e.path.clone()));
            }
            if i.key_pressed(Key::Enter) {
                action = match at {
                    Some(e) if e.folder => Some(Action::Go(e.path.clone())),
                    Some(e) if picker.marked.is_empty() => {
                        picker.marked.insert(e.path.clone());
                        Some(Action::Confirm)
                    }
                    _ => Some(Action::Confirm),
                };
            }
            if i.key_pressed(Key::Backspace)
                && let Some(parent) = &listing.parent
            {
                action = Some(Action::Go(parent.clone()));
            }
        });
    }
    egui::ScrollArea::vertical()
        .id_salt("picker-rows")
        .auto_shrink([false, false])
        .max_height(300.0)
        .show(ui, |ui| {
            for (i, entry) in listing.entries.iter().enumerate() {
                let here = i == picker.cursor;
                let row = if entry.folder {
                    // A folder opens on a click; the slash says it is one.
                    ui.selectable_label(here, format!("{}/", entry.name))
                        .accessible_name(entry.name.clone())
                } else {
                    let mut marked = picker.marked.contains(&entry.path);
                    let row = ui
                        .horizontal(|ui| {
                            let row = ui.checkbox(&mut marked, entry.name.as_str());
                            ui.weak(size_text(entry.size));
                            row
                        })
                        .inner;
                    if here {
                        ui.painter().rect_stroke(
                            row.rect.expand(2.0),
                            3.0,
                            ui.visuals().selection.stroke,
                            egui::StrokeKind::Outside,
                        );
                    }
                    row
                };
                if here && picker.follow {
                    row.scroll_to_me(None);
                }
                if row.clicked() {
                    picker.cursor = i;
                    action = Some(if entry.folder {
                        Action::Go(entry.path.clone())
                    } else {
                        Action::Toggle(entry.path.clone())
                    });
                }
            }
        });
    picker.follow = false;
    if listing.truncated {
        ui.weak(tr.t("gui-picker-truncated"));
    }
    action
}

/// A file size for the list: kB under a megabyte, else MB with one decimal.
fn size_text(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} kB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}
