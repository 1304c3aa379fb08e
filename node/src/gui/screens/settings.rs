//! Settings: language (applied at once), theme, this workstation and its hub, and for
//! administrators the clinic's details (`settings_clinic`) and the staff users (add,
//! change role, disable, reset password).

use std::collections::HashMap;

use dermis_model::clinic::{Permission, Role};
use dermis_model::{UserId, ValidationErrors};
use egui::{RichText, Ui};

use super::Ctx;
use super::login::language_ui;
use crate::gui::backend::{Command, SyncSummary, UiError, UserRow};
use crate::gui::widgets;
use crate::i18n::Locale;

#[derive(Debug, Default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
}

#[derive(Debug, Default)]
pub struct SettingsState {
    pub users: Option<Vec<UserRow>>,
    pub new_user: NewUser,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    /// Passwords typed to reset, per user.
    pub resets: HashMap<UserId, String>,
    pub busy: bool,
    pub saved: bool,
    /// A new user was sent and not yet answered.
    pub adding: bool,
    /// Settings → Clinic.
    pub clinic: super::settings_clinic::ClinicState,
}

impl SettingsState {
    pub fn on_users(&mut self, users: Vec<UserRow>) {
        self.users = Some(users);
        self.busy = false;
    }

    pub fn on_changed(&mut self) {
        if self.adding {
            self.new_user = NewUser::default();
            self.adding = false;
        }
        self.busy = false;
        self.saved = true;
        self.errors = ValidationErrors::default();
        self.error = None;
        self.resets.clear();
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        self.adding = false;
        self.saved = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }
}

/// What the settings screen changes outside its own state.
pub struct Preferences<'a> {
    pub locale: &'a mut Locale,
    pub dark: &'a mut bool,
    pub sync: Option<&'a SyncSummary>,
}

pub fn settings_ui(
    ui: &mut Ui,
    state: &mut SettingsState,
    prefs: Preferences<'_>,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    ui.heading(tr.t("gui-nav-settings"));
    egui::ScrollArea::vertical().show(ui, |ui| {
        widgets::section(ui, &tr.t("gui-settings-appearance"), |ui| {
            language_ui(ui, tr, prefs.locale);
            ui.horizontal(|ui| {
                ui.label(tr.t("gui-settings-theme"));
                ui.radio_value(prefs.dark, false, tr.t("gui-settings-light"));
                ui.radio_value(prefs.dark, true, tr.t("gui-settings-dark"));
            });
        });
        ui.add_space(8.0);
        widgets::section(ui, &tr.t("gui-settings-workstation"), |ui| {
            egui::Grid::new("workstation")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label(tr.t("field-clinic-name"));
                    ui.label(&ctx.session.clinic_name);
                    ui.end_row();
                    ui.label(tr.t("field-node-name"));
                    ui.label(&ctx.session.node_name);
                    ui.end_row();
                    ui.label(tr.t("gui-sync-hub"));
                    let hub = prefs
                        .sync
                        .and_then(|s| s.state.hub_url.clone())
                        .filter(|u| !u.trim().is_empty())
                        .unwrap_or_else(|| tr.t("gui-sync-no-hub"));
                    ui.label(hub);
                    ui.end_row();
                });
        });
        ui.add_space(8.0);
        if ctx.can(Permission::ManageUsers) {
            users_ui(ui, state, ctx);
            ui.add_space(8.0);
        }
        if ctx.can(Permission::ManageSettings) {
            super::settings_clinic::clinic_ui(ui, &mut state.clinic, ctx);
        }
    });
}

fn role_options(ctx: &Ctx<'_>) -> Vec<(Role, String)> {
    Role::ALL.iter().map(|r| (*r, ctx.tr.role(*r))).collect()
}

fn users_ui(ui: &mut Ui, state: &mut SettingsState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-settings-users"), |ui| {
        if state.saved {
            ui.label(RichText::new(tr.t("gui-saved")).color(widgets::ok_color(ui)));
        }
        if let Some(error) = &state.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        let Some(users) = &state.users else {
            ui.spinner();
            return;
        };
        let roles = role_options(ctx);
        let me = ctx.session.user_id;
        let mut commands = Vec::new();
        egui::Grid::new("users")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                widgets::header_row(
                    ui,
                    &[
                        tr.t("field-username"),
                        tr.t("field-display-name"),
                        tr.t("field-role"),
                        String::new(),
                        String::new(),
                    ],
                );
                for user in users {
                    ui.label(RichText::new(&user.username).strong());
                    ui.label(&user.display_name);
                    let mut role = user.role;
                    egui::ComboBox::from_id_salt(format!("role-{}", user.id))
                        .selected_text(tr.role(user.role))
                        .show_ui(ui, |ui| {
                            for (value, text) in &roles {
                                ui.selectable_value(&mut role, *value, text.as_str());
                            }
                        })
                        .response
                        .accessible_name(format!("{} {}", tr.t("field-role"), user.username));
                    if role != user.role {
                        commands.push(Command::SetRole { id: user.id, role });
                    }
                    let mut active = user.active;
                    let toggle = ui.add_enabled(
                        Some(user.id) != me,
                        egui::Checkbox::new(&mut active, tr.t("gui-settings-active")),
                    );
                    if toggle.changed() {
                        commands.push(Command::SetActive {
                            id: user.id,
                            active,
                        });
                    }
                    ui.horizontal(|ui| {
                        let password = state.resets.entry(user.id).or_default();
                        ui.add(
                            egui::TextEdit::singleline(password)
                                .password(true)
                                .desired_width(140.0)
                                .hint_text(tr.t("gui-settings-new-password")),
                        )
                        .accessible_name(format!(
                            "{} {}",
                            tr.t("gui-settings-new-password"),
                            user.username
                        ));
                        if ui
                            .add_enabled(
                                !password.is_empty(),
                                egui::Button::new(tr.t("gui-settings-reset")),
                            )
                            .clicked()
                        {
                            commands.push(Command::ResetPassword {
                                id: user.id,
                                password: std::mem::take(password),
                            });
                        }
                    });
                    ui.end_row();
                }
            });
        for error in tr.errors_for(&state.errors, "password") {
            widgets::error_line(ui, &error);
        }
        if !commands.is_empty() {
            state.busy = true;
            state.saved = false;
            for command in commands {
                ctx.send(command);
            }
        }
        ui.add_space(8.0);
        add_user_ui(ui, state, roles, ctx);
    });
}

fn add_user_ui(
    ui: &mut Ui,
    state: &mut SettingsState,
    roles: Vec<(Role, String)>,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    ui.strong(tr.t("gui-settings-add-user"));
    let options: Vec<(String, String)> = roles
        .into_iter()
        .map(|(r, label)| (r.as_str().to_owned(), label))
        .collect();
    if state.new_user.role.is_empty() {
        state.new_user.role = Role::Reception.as_str().to_owned();
    }
    let errors = |field: &str| tr.errors_for(&state.errors, field);
    let (u, d, r, p) = (
        errors("username"),
        errors("display_name"),
        errors("role"),
        errors("password"),
    );
    widgets::form_grid(ui, "add-user", |ui| {
        let n = &mut state.new_user;
        widgets::text_row(ui, &tr.t("field-username"), &mut n.username, &u);
        widgets::text_row(ui, &tr.t("field-display-name"), &mut n.display_name, &d);
        widgets::combo_row(ui, &tr.t("field-role"), &mut n.role, &options, &r);
        widgets::password_row(ui, &tr.t("field-password"), &mut n.password, &p);
    });
    if ui
        .add_enabled(
            !state.busy,
            egui::Button::new(tr.t("gui-settings-add-user")),
        )
        .clicked()
    {
        state.busy = true;
        state.adding = true;
        state.saved = false;
        state.errors = ValidationErrors::default();
        let n = &state.new_user;
        ctx.send(Command::AddUser {
            username: n.username.clone(),
            display_name: n.display_name.clone(),
            role: n.role.clone(),
            password: n.password.clone(),
        });
    }
}
