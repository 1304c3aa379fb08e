//! One patient: demographics, whether the hub has the latest changes, and for clinical
//! roles the allergies (highlighted), history and visits, with a way to add an allergy,
//! start a visit or open the photos.

use dermis_model::clinic::Permission;
use dermis_model::patient::{AllergyForm, AllergyStatus};
use dermis_model::{PatientId, ValidationErrors};
use egui::{RichText, Ui};

use super::{Ctx, Nav};
use crate::gui::backend::{Command, PatientView, UiError};
use crate::gui::widgets;
use crate::i18n::message_id;

const SEVERITIES: [&str; 4] = ["mild", "moderate", "severe", "unknown"];

#[derive(Debug, Default)]
pub struct PatientState {
    pub id: Option<PatientId>,
    pub view: Option<PatientView>,
    pub allergy: AllergyForm,
    pub allergy_errors: ValidationErrors,
    /// An allergy is being written: the button waits, so a double click adds one.
    pub allergy_busy: bool,
    /// The allergy being marked entered in error, and the reason typed so far.
    pub retracting: Option<(dermis_model::AllergyId, String)>,
    pub error: Option<UiError>,
}

impl PatientState {
    pub fn open(&mut self, id: PatientId) {
        if self.id != Some(id) {
            *self = PatientState {
                id: Some(id),
                ..PatientState::default()
            };
        }
    }

    pub fn loaded(&self) -> bool {
        self.view
            .as_ref()
            .is_some_and(|v| Some(v.patient.id) == self.id)
    }
}

pub fn patient_ui(ui: &mut Ui, state: &mut PatientState, ctx: &mut Ctx<'_>) {
    if let Some(error) = &state.error {
        widgets::error_line(ui, &ctx.tr.ui_error(error));
    }
    let Some(view) = state.view.as_ref().filter(|_| state.loaded()) else {
        ui.spinner();
        return;
    };
    let p = &view.patient;
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        let (text, color) = if view.pending {
            (tr.t("gui-sync-waiting"), widgets::warn_color(ui))
        } else {
            (tr.t("gui-sync-on-hub"), widgets::ok_color(ui))
        };
        widgets::badge(ui, &text, color);
    });
    ui.horizontal(|ui| {
        if ui.button(tr.t("gui-back")).clicked() {
            ctx.go(Nav::Show(super::Screen::Patients));
        }
        if ctx.can(Permission::EditPatients) && ui.button(tr.t("gui-patients-edit")).clicked() {
            ctx.go(Nav::EditPatient);
        }
        if ctx.can(Permission::EditClinical) && ui.button(tr.t("gui-encounter-new")).clicked() {
            ctx.go(Nav::NewEncounter {
                patient: p.id,
                name: p.full_name(),
            });
        }
        if ctx.can(Permission::ViewClinical) && ui.button(tr.t("gui-photos-title")).clicked() {
            ctx.go(Nav::Photos {
                patient: p.id,
                name: p.full_name(),
                visit: None,
            });
        }
    });
    ui.add_space(6.0);
    let clinical = ctx.can(Permission::ViewClinical);
    egui::ScrollArea::vertical().show(ui, |ui| {
        if let Some(view) = &state.view {
            demographics_ui(ui, view, ctx);
        }
        if clinical {
            ui.add_space(8.0);
            allergies_ui(ui, state, ctx);
            ui.add_space(8.0);
            if let Some(view) = &state.view {
                history_ui(ui, view, ctx);
                ui.add_space(8.0);
                encounters_ui(ui, view, ctx);
            }
        }
        if let Some(view) = &state.view {
            ui.add_space(8.0);
            super::purchases::purchases_ui(ui, view, ctx);
        }
    });
}

fn demographics_ui(ui: &mut Ui, view: &PatientView, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let p = &view.patient;
    widgets::section(ui, &tr.t("gui-patient-details"), |ui| {
        egui::Grid::new("demographics")
            .num_columns(2)
            .show(ui, |ui| {
                let mut row = |label: &str, value: String| {
                    ui.label(tr.t(label));
                    ui.label(value);
                    ui.end_row();
                };
                row(
                    "field-birth-date",
                    p.birth_date.map(|d| tr.date(d)).unwrap_or_default(),
                );
                row("field-sex", tr.t(&message_id("sex", p.sex.as_str())));
                row("field-phone", p.phones.join(", "));
                row("field-email", p.email.clone().unwrap_or_default());
                row("field-address", p.address.clone().unwrap_or_default());
            });
    });
}

fn allergies_ui(ui: &mut Ui, state: &mut PatientState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(view) = &state.view else { return };
    let allergies = view.patient.allergies.clone();
    let in_error = view.patient.allergies_in_error.clone();
    let alarm = ui.visuals().error_fg_color;
    let frame = if allergies.is_empty() {
        egui::Frame::group(ui.style())
    } else {
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(2.0, alarm))
            .fill(crate::gui::theme::blend(
                ui.visuals().panel_fill,
                alarm,
                crate::gui::theme::ALARM_TINT,
            ))
    };
    let patient = view.patient.id;
    let status = view.patient.allergy_status();
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong(
            RichText::new(tr.t("field-allergies")).color(if allergies.is_empty() {
                ui.visuals().text_color()
            } else {
                alarm
            }),
        );
        match status {
            AllergyStatus::Listed => {}
            AllergyStatus::NoneKnown => {
                widgets::badge(ui, &tr.t("gui-allergies-none-known"), widgets::ok_color(ui));
            }
            AllergyStatus::NotRecorded => {
                widgets::badge(
                    ui,
                    &tr.t("gui-allergies-not-recorded"),
                    widgets::warn_color(ui),
                );
                if ctx.can(Permission::EditClinical)
                    && ui
                        .button(tr.t("gui-patient-record-nka"))
                        .on_hover_text(tr.t("gui-patient-record-nka-hint"))
                        .clicked()
                {
                    ctx.send(Command::RecordNoKnownAllergies { patient });
                }
            }
        }
        let editable = ctx.can(Permission::EditClinical);
        for a in &allergies {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&a.substance).strong().color(alarm));
                ui.label(tr.t(&message_id("gui-severity", a.severity.as_str())));
                if !a.reaction.is_empty() {
                    ui.label(format!("— {}", a.reaction));
                }
                if editable
                    && state.retracting.as_ref().map(|r| r.0) != Some(a.id)
                    && ui
                        .small_button(tr.t("gui-allergy-error"))
                        .on_hover_text(tr.t("gui-allergy-error-hint"))
                        .clicked()
                {
                    state.retracting = Some((a.id, String::new()));
                }
            });
            if let Some((id, reason)) = state.retracting.as_mut().filter(|r| r.0 == a.id) {
                let id = *id;
                let mut done = false;
                let mut sent = false;
                ui.horizontal(|ui| {
                    widgets::labelled_input(
                        ui,
                        &tr.t("gui-allergy-error-reason"),
                        "",
                        reason,
                        260.0,
                    );
                    let ready = !state.allergy_busy && !reason.trim().is_empty();
                    if ui
                        .add_enabled(
                            ready,
                            widgets::primary_button(ui, &tr.t("gui-allergy-error-confirm")),
                        )
                        .clicked()
                    {
                        ctx.send(Command::MarkAllergyInError {
                            patient,
                            allergy: id,
                            reason: reason.clone(),
                        });
                        sent = true;
                        done = true;
                    }
                    if ui.button(tr.t("gui-cancel")).clicked() {
                        done = true;
                    }
                });
                if done {
                    state.allergy_busy |= sent;
                    state.retracting = None;
                }
            }
        }
        if !in_error.is_empty() {
            ui.add_space(4.0);
            ui.label(
                RichText::new(tr.t("gui-allergy-errors"))
                    .strong()
                    .color(ui.visuals().weak_text_color()),
            );
            for e in &in_error {
                ui.label(
                    RichText::new(format!(
                        "{} — {} ({}, {})",
                        e.allergy.substance,
                        e.reason,
                        e.by,
                        tr.datetime(e.at)
                    ))
                    .strikethrough()
                    .color(ui.visuals().weak_text_color()),
                );
            }
        }
        if ctx.can(Permission::EditClinical) {
            ui.separator();
            add_allergy_ui(ui, state, patient, ctx);
        }
    });
}

fn add_allergy_ui(ui: &mut Ui, state: &mut PatientState, patient: PatientId, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let severities: Vec<(String, String)> = SEVERITIES
        .iter()
        .map(|s| ((*s).to_owned(), tr.t(&message_id("gui-severity", s))))
        .collect();
    if state.allergy.severity.is_empty() {
        state.allergy.severity = "unknown".into();
    }
    let errors = |field: &str| tr.errors_for(&state.allergy_errors, field);
    widgets::form_grid(ui, "allergy-form", |ui| {
        let form = &mut state.allergy;
        widgets::text_row(
            ui,
            &tr.t("gui-field-substance"),
            &mut form.substance,
            &errors("substance"),
        );
        widgets::text_row(
            ui,
            &tr.t("gui-field-reaction"),
            &mut form.reaction,
            &errors("reaction"),
        );
        widgets::combo_row(
            ui,
            &tr.t("gui-field-severity"),
            &mut form.severity,
            &severities,
            &errors("severity"),
        );
    });
    if ui
        .add_enabled(
            !state.allergy_busy,
            egui::Button::new(tr.t("gui-patient-add-allergy")),
        )
        .clicked()
    {
        state.allergy_busy = true;
        state.allergy_errors = ValidationErrors::default();
        ctx.send(Command::AddAllergy {
            patient,
            form: state.allergy.clone(),
        });
    }
}

fn history_ui(ui: &mut Ui, view: &PatientView, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let p = &view.patient;
    widgets::section(ui, &tr.t("field-medical-history"), |ui| {
        if p.medical_history.trim().is_empty() {
            ui.weak(tr.t("gui-none"));
        } else {
            ui.label(&p.medical_history);
        }
        if !p.notes.trim().is_empty() {
            ui.add_space(4.0);
            ui.strong(tr.t("field-notes"));
            ui.label(&p.notes);
        }
    });
}

fn encounters_ui(ui: &mut Ui, view: &PatientView, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-patient-visits"), |ui| {
        if view.encounters.is_empty() {
            ui.weak(tr.t("gui-patient-no-visits"));
            return;
        }
        egui::Grid::new("visits")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                widgets::header_row(
                    ui,
                    &[
                        tr.t("field-date"),
                        tr.t("field-complaint"),
                        tr.t("gui-col-diagnoses"),
                        tr.t("field-clinician"),
                        tr.t("gui-col-status"),
                    ],
                );
                for e in &view.encounters {
                    if ui.link(tr.stored_date(&e.date)).clicked()
                        && let Ok(id) = e.id.parse()
                    {
                        ctx.go(Nav::OpenEncounter(id));
                    }
                    ui.label(&e.complaint);
                    ui.label(e.diagnoses.join(", "));
                    ui.label(&e.clinician);
                    let signed = e.status == "signed";
                    let color = if signed {
                        widgets::ok_color(ui)
                    } else {
                        widgets::warn_color(ui)
                    };
                    widgets::badge(ui, &tr.t(&message_id("status", &e.status)), color);
                    ui.end_row();
                }
            });
    });
}

/// Called when adding an allergy failed.
pub fn allergy_failed(state: &mut PatientState, error: UiError) {
    state.allergy_busy = false;
    match error {
        UiError::Invalid(errors) => state.allergy_errors = errors,
        other => state.error = Some(other),
    }
}
