//! Settings → Clinic, for those who may change settings: what receipts and reports print
//! about the clinic (legal name, address, tax id, phone), the tax rates of its tax
//! classes, and whether its prices include tax. Also the first-run prompt an
//! administrator sees on the dashboard while the clinic has no legal name.

use dermis_model::ValidationErrors;
use dermis_model::clinic::Permission;
use egui::{RichText, Ui};

use super::{Ctx, Nav, Screen};
use crate::gui::backend::{ClinicCommand, ClinicForm, ClinicReply, ClinicView, Command, UiError};
use crate::gui::widgets;
use crate::i18n::{Locale, format_decimal};

/// The clinic's details as being edited.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ClinicDraft {
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub phone: String,
    /// (class, rate typed in percent).
    pub rates: Vec<(String, String)>,
    pub new_class: String,
    pub new_rate: String,
    pub prices_include_tax: bool,
}

impl ClinicDraft {
    fn of(view: &ClinicView, locale: Locale) -> ClinicDraft {
        let b = &view.business;
        ClinicDraft {
            legal_name: b.legal_name.clone(),
            address: b.address.clone(),
            tax_id: b.tax_id.clone(),
            phone: b.phone.clone(),
            rates: view
                .tax_rates
                .iter()
                .map(|(class, bps)| (class.clone(), rate_typed(*bps, locale)))
                .collect(),
            new_class: String::new(),
            new_rate: String::new(),
            prices_include_tax: view.prices_include_tax,
        }
    }
}

/// A rate in basis points as a cashier types it: `20`, `5,5` (French), `5.5` (English).
fn rate_typed(bps: u32, locale: Locale) -> String {
    let text = format_decimal(i64::from(bps), 2, locale);
    let decimal = if locale == Locale::En { '.' } else { ',' };
    text.trim_end_matches('0')
        .trim_end_matches(decimal)
        .to_owned()
}

#[derive(Debug, Default)]
pub struct ClinicState {
    pub view: Option<ClinicView>,
    /// What was loaded (in the window's language), to send only what changed.
    pub loaded: ClinicDraft,
    pub draft: ClinicDraft,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
    pub saved: bool,
    /// The first-run prompt was put off for this session.
    pub later: bool,
    /// The prompt led here: the section scrolls into view once.
    pub reveal: bool,
}

impl ClinicState {
    pub fn on_reply(&mut self, reply: ClinicReply, locale: Locale) {
        match reply {
            ClinicReply::Loaded(view) => {
                let fresh = ClinicDraft::of(&view, locale);
                // Someone typing keeps what they typed; an untouched form follows the store.
                if self.draft == self.loaded || self.view.is_none() {
                    self.draft = fresh.clone();
                }
                self.loaded = fresh;
                self.view = Some(*view);
                self.busy = false;
            }
            ClinicReply::Saved => {
                self.busy = false;
                self.saved = true;
                self.errors = ValidationErrors::default();
                self.error = None;
                self.draft.new_class.clear();
                self.draft.new_rate.clear();
                // The reload that follows replaces the form with what was stored.
                self.loaded = self.draft.clone();
            }
        }
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        self.saved = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }

    /// What changed since the form was loaded.
    fn form(&self) -> ClinicForm {
        let (d, l) = (&self.draft, &self.loaded);
        let mut business = Vec::new();
        for (key, now, before) in [
            ("legal_name", &d.legal_name, &l.legal_name),
            ("address", &d.address, &l.address),
            ("tax_id", &d.tax_id, &l.tax_id),
            ("phone", &d.phone, &l.phone),
        ] {
            if now != before {
                business.push((key, now.clone()));
            }
        }
        let mut tax_rates: Vec<(String, String)> = d
            .rates
            .iter()
            .filter(|r| !l.rates.contains(r))
            .cloned()
            .collect();
        if !d.new_class.trim().is_empty() || !d.new_rate.trim().is_empty() {
            tax_rates.push((d.new_class.clone(), d.new_rate.clone()));
        }
        ClinicForm {
            business,
            tax_rates,
            prices_include_tax: (d.prices_include_tax != l.prices_include_tax)
                .then_some(d.prices_include_tax),
        }
    }
}

/// The Clinic section of Settings.
pub fn clinic_ui(ui: &mut Ui, state: &mut ClinicState, ctx: &mut Ctx<'_>) {
    if !ctx.can(Permission::ManageSettings) {
        return;
    }
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-clinic-title"), |ui| {
        ui.weak(tr.t("gui-clinic-explain"));
        ui.add_space(4.0);
        if state.view.is_none() {
            ui.spinner();
            return;
        }
        if std::mem::take(&mut state.reveal) {
            ui.scroll_to_cursor(Some(egui::Align::TOP));
        }
        let errors = |field: &str| tr.errors_for(&state.errors, field);
        let (name_e, address_e, tax_e, phone_e) = (
            errors("legal-name"),
            errors("address"),
            errors("tax-id"),
            errors("phone"),
        );
        let d = &mut state.draft;
        widgets::form_grid(ui, "clinic-details", |ui| {
            widgets::text_row(
                ui,
                &tr.t("gui-field-legal-name"),
                &mut d.legal_name,
                &name_e,
            );
            widgets::multiline_row(ui, &tr.t("field-address"), &mut d.address, 3, &address_e);
            widgets::text_row(ui, &tr.t("gui-field-tax-id"), &mut d.tax_id, &tax_e);
            widgets::text_row(ui, &tr.t("field-phone"), &mut d.phone, &phone_e);
        });
        ui.add_space(6.0);
        ui.strong(tr.t("gui-clinic-tax-rates"));
        egui::Grid::new("clinic-rates")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                widgets::header_row(
                    ui,
                    &[tr.t("field-tax-class"), tr.t("gui-clinic-rate-percent")],
                );
                for (class, typed) in &mut d.rates {
                    let name = tr.t_or(&format!("gui-tax-{class}"), class);
                    ui.label(&name);
                    ui.vertical(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(typed)
                                .desired_width(80.0)
                                .align(egui::Align2::RIGHT_CENTER),
                        )
                        .accessible_name(tr.t_args("gui-clinic-rate-of", &[("name", name.into())]));
                        for e in state
                            .errors
                            .0
                            .iter()
                            .filter(|e| e.field == format!("tax_rate[{class}]"))
                        {
                            widgets::error_line(ui, &tr.field_error(e));
                        }
                    });
                    ui.end_row();
                }
                ui.add(
                    egui::TextEdit::singleline(&mut d.new_class)
                        .desired_width(200.0)
                        .hint_text(tr.t("gui-clinic-new-class")),
                )
                .accessible_name(tr.t("gui-clinic-new-class"));
                ui.add(
                    egui::TextEdit::singleline(&mut d.new_rate)
                        .desired_width(80.0)
                        .align(egui::Align2::RIGHT_CENTER),
                )
                .accessible_name(tr.t("gui-clinic-new-rate"));
                ui.end_row();
            });
        let class = d.new_class.trim().to_lowercase();
        for e in state
            .errors
            .0
            .iter()
            .filter(|e| e.field == "tax_class" || e.field == format!("tax_rate[{class}]"))
        {
            widgets::error_line(ui, &tr.field_error(e));
        }
        ui.add_space(6.0);
        ui.checkbox(
            &mut d.prices_include_tax,
            tr.t("gui-clinic-prices-include-tax"),
        );
        ui.weak(tr.t(if d.prices_include_tax {
            "gui-clinic-included-hint"
        } else {
            "gui-clinic-added-hint"
        }));
        ui.add_space(6.0);
        if let Some(error) = &state.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        let changed = state.draft != state.loaded;
        ui.horizontal(|ui| {
            let save = ui.add_enabled(
                changed && !state.busy,
                widgets::primary_button(ui, &tr.t("gui-clinic-save")),
            );
            if save.clicked() {
                state.busy = true;
                state.saved = false;
                state.error = None;
                state.errors = ValidationErrors::default();
                ctx.send(Command::Clinic(ClinicCommand::Save(state.form())));
            }
            if state.busy {
                ui.spinner();
            } else if state.saved && !changed {
                ui.label(RichText::new(tr.t("gui-saved")).color(widgets::ok_color(ui)));
            }
        });
    });
}

/// The first-run prompt on the dashboard: shown to those who may change settings while
/// the clinic has no legal name, until they set it up or put it off.
pub fn first_run_ui(ui: &mut Ui, state: &mut ClinicState, ctx: &mut Ctx<'_>) {
    let incomplete = state
        .view
        .as_ref()
        .is_some_and(|v| v.business.legal_name.trim().is_empty());
    if !ctx.can(Permission::ManageSettings) || !incomplete || state.later {
        return;
    }
    let tr = ctx.tr;
    egui::Frame::group(ui.style())
        .fill(crate::gui::theme::banner_fill(ui.visuals()))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(tr.t("gui-clinic-first-run"));
                if ui
                    .add(widgets::primary_button(ui, &tr.t("gui-clinic-set-up")))
                    .clicked()
                {
                    state.reveal = true;
                    ctx.go(Nav::Show(Screen::Settings));
                }
                if ui.button(tr.t("gui-clinic-later")).clicked() {
                    state.later = true;
                }
            });
        });
    ui.add_space(6.0);
}
