//! Prescribing on a visit: the visit's prescriptions and, for a prescriber on a saved
//! draft, a form whose drug is checked against the patient's allergies as it is typed.
//! A match is a warning the doctor must answer: change the drug, or give a reason to
//! prescribe anyway (kept on the prescription and audited, as `--override-allergy` is).
//! The backend checks again before writing; the window's check is for the doctor's eyes.

use dermis_model::drug_allergy::{AllergyMatch, MatchReason, check_drug};
use dermis_model::prescription::{Prescription, PrescriptionForm};
use dermis_model::{EncounterId, ErrorCode, FieldError, ValidationErrors};
use egui::{RichText, Ui};

use super::Ctx;
use crate::gui::backend::{Command, EncounterView, UiError};
use crate::gui::tr::Tr;
use crate::gui::widgets;

#[derive(Debug, Default)]
pub struct RxState {
    pub drug: String,
    pub dose: String,
    pub instructions: String,
    pub quantity: String,
    pub refills: String,
    /// The doctor's answer to an allergy warning: why the drug is right anyway.
    pub override_reason: String,
    pub busy: bool,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
}

impl RxState {
    /// The prescription was written: the form starts again, empty.
    pub fn on_prescribed(&mut self) {
        *self = RxState::default();
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }

    /// Whether anything is typed that prescribing would write.
    pub fn has_typing(&self) -> bool {
        [&self.drug, &self.dose, &self.instructions]
            .iter()
            .any(|t| !t.trim().is_empty())
    }

    /// The form as the ledger of prescriptions takes it, or the fields that do not parse.
    fn form(&self, answering: bool) -> Result<PrescriptionForm, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut count = |field: &str, text: &str, min: u32| -> Option<u32> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<u32>() {
                Ok(n) if n >= min => Some(n),
                _ => {
                    errors.0.push(
                        FieldError::new(
                            field,
                            ErrorCode::InvalidQuantity,
                            format!("{field} must be a whole number, at least {min}"),
                        )
                        .with_param("min", min.into()),
                    );
                    None
                }
            }
        };
        let quantity = count("quantity", &self.quantity, 1);
        let refills = count("refills", &self.refills, 0);
        if !errors.0.is_empty() {
            return Err(errors);
        }
        Ok(PrescriptionForm {
            drug: self.drug.clone(),
            dose: self.dose.clone(),
            instructions: self.instructions.clone(),
            quantity,
            refills,
            override_allergy: answering.then(|| self.override_reason.trim().to_owned()),
        })
    }
}

/// The warning for one allergy the drug matches, in the window's language.
fn warning(tr: &Tr, m: &AllergyMatch, drug: &str) -> String {
    let drug = drug.trim();
    match &m.reason {
        MatchReason::Substance { substance } => tr.t_args(
            "gui-rx-allergy-substance",
            &[
                ("allergy", m.allergy.as_str().into()),
                ("drug", drug.into()),
                ("substance", substance.as_str().into()),
            ],
        ),
        MatchReason::Class { class, member } | MatchReason::CrossReactive { class, member } => tr
            .t_args(
                "gui-rx-allergy-class",
                &[
                    ("allergy", m.allergy.as_str().into()),
                    ("drug", drug.into()),
                    ("substance", (*member).into()),
                    ("class", (*class).into()),
                ],
            ),
    }
}

/// The visit's prescriptions, and the form to add one when `writable`.
pub fn prescriptions_ui(
    ui: &mut Ui,
    rx: &mut RxState,
    view: &EncounterView,
    writable: bool,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-rx-title"), |ui| {
        let listed = &view.encounter.prescriptions;
        if listed.is_empty() {
            ui.weak(tr.t("gui-rx-none"));
        } else {
            list_ui(ui, listed, tr);
        }
        if writable {
            ui.add_space(6.0);
            form_ui(ui, rx, view, ctx);
        }
    });
}

fn list_ui(ui: &mut Ui, listed: &[Prescription], tr: &Tr) {
    egui::Grid::new("prescriptions")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            widgets::header_row(
                ui,
                &[
                    tr.t("field-drug"),
                    tr.t("field-dose"),
                    tr.t("gui-rx-instructions"),
                    tr.t("gui-rx-quantity-refills"),
                    tr.t("gui-rx-prescriber"),
                ],
            );
            for p in listed {
                ui.vertical(|ui| {
                    ui.strong(&p.drug);
                    if let Some(o) = &p.allergy_override {
                        ui.colored_label(
                            widgets::warn_color(ui),
                            tr.t_args(
                                "gui-rx-overridden",
                                &[
                                    ("allergy", o.allergies.join(", ").into()),
                                    ("reason", o.reason.as_str().into()),
                                ],
                            ),
                        );
                    }
                });
                ui.label(&p.dose);
                ui.label(&p.instructions);
                let quantity = p.quantity.map(|q| tr.int(q.into())).unwrap_or_default();
                ui.label(format!("{quantity} / {}", tr.int(p.refills.into())));
                ui.label(&p.prescriber);
                ui.end_row();
            }
        });
}

fn form_ui(ui: &mut Ui, rx: &mut RxState, view: &EncounterView, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let errors = rx.errors.clone();
    let errors = |field: &str| tr.errors_for(&errors, field);
    ui.strong(tr.t("gui-rx-new"));
    widgets::form_grid(ui, "rx-form", |ui| {
        widgets::text_row(ui, &tr.t("field-drug"), &mut rx.drug, &errors("drug"));
        widgets::text_row(ui, &tr.t("field-dose"), &mut rx.dose, &errors("dose"));
        widgets::text_row(
            ui,
            &tr.t("gui-rx-instructions"),
            &mut rx.instructions,
            &errors("instructions"),
        );
        widgets::text_row(
            ui,
            &tr.t("field-quantity"),
            &mut rx.quantity,
            &errors("quantity"),
        );
        widgets::text_row(
            ui,
            &tr.t("field-refills"),
            &mut rx.refills,
            &errors("refills"),
        );
    });
    let allergies: Vec<&str> = view
        .banner
        .allergies
        .as_ref()
        .map(|a| a.listed.iter().map(|x| x.substance.as_str()).collect())
        .unwrap_or_default();
    let matches = check_drug(allergies, &rx.drug);
    if !matches.is_empty() {
        ui.add_space(4.0);
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(2.0, widgets::warn_color(ui)))
            .show(ui, |ui| {
                ui.label(
                    RichText::new(tr.t("gui-rx-allergy-title"))
                        .strong()
                        .color(widgets::warn_color(ui)),
                );
                for m in &matches {
                    ui.label(warning(tr, m, &rx.drug));
                }
                ui.label(tr.t("gui-rx-allergy-answer"));
                widgets::form_grid(ui, "rx-override", |ui| {
                    widgets::text_row(
                        ui,
                        &tr.t("gui-rx-override-reason"),
                        &mut rx.override_reason,
                        &errors("override_allergy"),
                    );
                });
            });
    }
    if let Some(error) = &rx.error {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    let answering = !matches.is_empty();
    let answered = !answering || !rx.override_reason.trim().is_empty();
    let label = if answering {
        tr.t("gui-rx-prescribe-anyway")
    } else {
        tr.t("gui-rx-prescribe")
    };
    ui.horizontal(|ui| {
        let ready = !rx.busy && answered && !rx.drug.trim().is_empty();
        let button = ui
            .add_enabled(ready, egui::Button::new(label))
            .on_disabled_hover_text(tr.t("gui-rx-answer-first"));
        if button.clicked() {
            match rx.form(answering) {
                Ok(form) => {
                    rx.busy = true;
                    rx.errors = ValidationErrors::default();
                    rx.error = None;
                    ctx.send(Command::Prescribe {
                        encounter: view.encounter.id,
                        form,
                    });
                }
                Err(errors) => rx.errors = errors,
            }
        }
        if rx.busy {
            ui.spinner();
        }
    });
}

/// The buttons that print a visit's documents (the prescription only when it has some).
pub fn print_ui(ui: &mut Ui, encounter: EncounterId, prescriptions: bool, ctx: &mut Ctx<'_>) {
    use crate::print::document::Kind;
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        if prescriptions && ui.button(tr.t("gui-rx-print")).clicked() {
            ctx.send(Command::PrintDocument {
                encounter,
                kind: Kind::Prescription,
                locale: tr.locale,
            });
        }
        if ui.button(tr.t("gui-visit-print-summary")).clicked() {
            ctx.send(Command::PrintDocument {
                encounter,
                kind: Kind::Summary,
                locale: tr.locale,
            });
        }
    });
}
