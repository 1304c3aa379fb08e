//! Signing in, and the first run of a workstation: create the clinic and its first
//! administrator. These screens come before any session, so they take the translator
//! and a command queue rather than a [`super::Ctx`].

use std::collections::VecDeque;

use dermis_model::ValidationErrors;
use egui::{RichText, Ui};

use crate::gui::backend::{Command, SetupForm, UiError};
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::i18n::Locale;

#[derive(Debug, Default)]
pub struct LoginState {
    pub username: String,
    pub password: String,
    pub clinic_name: String,
    /// Wrong username or password.
    pub refused: bool,
    /// Too many failures: locked until this instant (unix ms).
    pub locked_until: Option<i64>,
    pub error: Option<UiError>,
    pub busy: bool,
}

/// The window locked over a signed-in user's work: their screens stay as they were
/// behind it until they give their password again, or someone else signs in.
#[derive(Debug, Default)]
pub struct LockState {
    pub display_name: String,
    pub password: String,
    pub refused: bool,
    pub locked_until: Option<i64>,
    pub busy: bool,
}

#[derive(Debug, Default)]
pub struct SetupState {
    pub form: SetupForm,
    pub confirm: String,
    pub errors: ValidationErrors,
    pub mismatch: bool,
    pub error: Option<UiError>,
    pub busy: bool,
}

/// The language picker shown before and after signing in.
pub fn language_ui(ui: &mut Ui, tr: &Tr, locale: &mut Locale) {
    ui.horizontal(|ui| {
        let label = ui.label(tr.t("gui-settings-language"));
        let options: Vec<(Locale, String)> = Locale::ALL
            .iter()
            .map(|l| (*l, l.native_name().to_owned()))
            .collect();
        widgets::combo(ui, "language", &label, locale, &options);
    });
}

pub fn login_ui(
    ui: &mut Ui,
    state: &mut LoginState,
    tr: &Tr,
    locale: &mut Locale,
    out: &mut VecDeque<Command>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading(RichText::new(tr.t("app-name")).size(32.0));
        ui.label(RichText::new(&state.clinic_name).size(18.0));
        ui.add_space(24.0);
    });
    ui.vertical_centered(|ui| {
        ui.set_max_width(460.0);
        widgets::section(ui, &tr.t("gui-login-title"), |ui| {
            let mut submit = false;
            widgets::form_grid(ui, "login", |ui| {
                let username =
                    widgets::text_row(ui, &tr.t("field-username"), &mut state.username, &[]);
                // The cursor waits in the username field: typing signs in at once.
                if ui.memory(|m| m.focused().is_none()) && state.username.is_empty() {
                    username.request_focus();
                }
                let password =
                    widgets::password_row(ui, &tr.t("field-password"), &mut state.password, &[]);
                submit |= widgets::submitted(ui, &password);
            });
            if state.refused {
                widgets::error_line(ui, &tr.t("gui-login-refused"));
            }
            if let Some(until) = state.locked_until {
                widgets::error_line(ui, &locked_text(tr, until));
            }
            if let Some(error) = &state.error {
                widgets::error_line(ui, &tr.ui_error(error));
            }
            ui.horizontal(|ui| {
                let enabled = !state.busy && !state.username.trim().is_empty();
                submit |= ui
                    .add_enabled(enabled, egui::Button::new(tr.t("gui-login-submit")))
                    .clicked();
                if state.busy {
                    ui.spinner();
                }
            });
            if submit && !state.busy && !state.username.trim().is_empty() {
                state.busy = true;
                state.refused = false;
                state.error = None;
                out.push_back(Command::Login {
                    username: state.username.trim().to_owned(),
                    password: std::mem::take(&mut state.password),
                });
            }
            ui.add_space(6.0);
            ui.weak(tr.t("gui-login-offline"));
        });
        ui.add_space(12.0);
        language_ui(ui, tr, locale);
    });
}

/// The lock screen: the signed-in user's name, their password, and a way for someone
/// else to sign in on a shared workstation.
pub fn lock_ui(ui: &mut Ui, state: &mut LockState, tr: &Tr, out: &mut VecDeque<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading(RichText::new(tr.t("app-name")).size(32.0));
        ui.add_space(24.0);
    });
    ui.vertical_centered(|ui| {
        ui.set_max_width(460.0);
        widgets::section(ui, &tr.t("gui-lock-title"), |ui| {
            ui.label(tr.t_args(
                "gui-lock-intro",
                &[(
                    "name",
                    crate::i18n::FluentArg::from(state.display_name.clone()),
                )],
            ));
            ui.add_space(6.0);
            let mut submit = false;
            widgets::form_grid(ui, "unlock", |ui| {
                let password =
                    widgets::password_row(ui, &tr.t("field-password"), &mut state.password, &[]);
                submit |= widgets::submitted(ui, &password);
                if !state.busy && !password.has_focus() && state.password.is_empty() {
                    password.request_focus();
                }
            });
            if state.refused {
                widgets::error_line(ui, &tr.t("gui-lock-refused"));
            }
            if let Some(until) = state.locked_until {
                widgets::error_line(ui, &locked_text(tr, until));
            }
            ui.horizontal(|ui| {
                let enabled = !state.busy && !state.password.is_empty();
                submit |= ui
                    .add_enabled(enabled, egui::Button::new(tr.t("gui-lock-unlock")))
                    .clicked();
                if state.busy {
                    ui.spinner();
                }
            });
            if submit && !state.busy && !state.password.is_empty() {
                state.busy = true;
                state.refused = false;
                out.push_back(Command::Unlock {
                    password: std::mem::take(&mut state.password),
                });
            }
            ui.add_space(10.0);
            ui.separator();
            ui.weak(tr.t("gui-lock-switch-hint"));
            if ui
                .add_enabled(!state.busy, egui::Button::new(tr.t("gui-lock-switch")))
                .clicked()
            {
                out.push_back(Command::Logout);
            }
        });
    });
}

/// "Try again in N minutes", rounded up, so it never says 0.
pub fn locked_text(tr: &Tr, until: i64) -> String {
    let left = (until - crate::node::now()).max(0);
    let minutes = (left + 59_999) / 60_000;
    tr.t_args(
        "gui-login-locked",
        &[("count", crate::i18n::FluentArg::from(minutes.max(1)))],
    )
}

pub fn setup_ui(
    ui: &mut Ui,
    state: &mut SetupState,
    tr: &Tr,
    locale: &mut Locale,
    out: &mut VecDeque<Command>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(30.0);
            ui.heading(RichText::new(tr.t("gui-setup-title")).size(26.0));
            ui.label(tr.t("gui-setup-intro"));
            ui.add_space(12.0);
        });
        ui.vertical_centered(|ui| {
            ui.set_max_width(620.0);
            language_ui(ui, tr, locale);
            ui.add_space(8.0);
            new_clinic_ui(ui, state, tr, out);
            ui.add_space(16.0);
            enroll_ui(ui, tr);
        });
    });
}

fn new_clinic_ui(ui: &mut Ui, state: &mut SetupState, tr: &Tr, out: &mut VecDeque<Command>) {
    widgets::section(ui, &tr.t("gui-setup-new-clinic"), |ui| {
        let errors = |field: &str| tr.errors_for(&state.errors, field);
        let (clinic_errors, node_errors) = (errors("clinic_name"), errors("node_name"));
        let (user_errors, display_errors, password_errors) = (
            errors("username"),
            errors("display_name"),
            errors("password"),
        );
        widgets::form_grid(ui, "setup", |ui| {
            let form = &mut state.form;
            widgets::text_row(
                ui,
                &tr.t("field-clinic-name"),
                &mut form.clinic_name,
                &clinic_errors,
            );
            widgets::text_row(
                ui,
                &tr.t("field-node-name"),
                &mut form.node_name,
                &node_errors,
            );
            ui.label("");
            ui.strong(tr.t("gui-setup-admin"));
            ui.end_row();
            widgets::text_row(
                ui,
                &tr.t("field-username"),
                &mut form.username,
                &user_errors,
            );
            widgets::text_row(
                ui,
                &tr.t("field-display-name"),
                &mut form.display_name,
                &display_errors,
            );
            widgets::password_row(
                ui,
                &tr.t("field-password"),
                &mut form.password,
                &password_errors,
            );
            let mismatch = if state.mismatch {
                vec![tr.t("gui-setup-mismatch")]
            } else {
                Vec::new()
            };
            widgets::password_row(
                ui,
                &tr.t("gui-setup-confirm"),
                &mut state.confirm,
                &mismatch,
            );
        });
        if let Some(error) = &state.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.horizontal(|ui| {
            let clicked = ui
                .add_enabled(!state.busy, egui::Button::new(tr.t("gui-setup-create")))
                .clicked();
            if state.busy {
                ui.spinner();
            }
            if clicked {
                state.mismatch = state.confirm != state.form.password;
                state.error = None;
                if !state.mismatch {
                    state.busy = true;
                    state.errors = ValidationErrors::default();
                    out.push_back(Command::Setup(state.form.clone()));
                }
            }
        });
    });
}

/// The place for joining an existing clinic through its hub. Enrolling is not part of
/// this build; the section says so instead of offering a button that does nothing.
fn enroll_ui(ui: &mut Ui, tr: &Tr) {
    widgets::section(ui, &tr.t("gui-setup-join"), |ui| {
        ui.label(tr.t("gui-setup-join-later"));
    });
}
