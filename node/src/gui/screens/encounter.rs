//! The visit editor: SOAP sections, diagnoses picked from the bundled ICD-10-CM subset
//! (searched by code or words as you type), signing by a doctor, after which the note
//! is read-only and corrections are addenda.

use dermis_model::clinic::Permission;
use dermis_model::encounter::{EncounterForm, EncounterStatus};
use dermis_model::{EncounterId, PatientId, ValidationErrors};
use egui::{RichText, Ui};

use super::{Ctx, Nav};
use crate::gui::backend::{Command, DraftKey, EncounterView, UiError};
use crate::gui::{date_input, widgets};
use crate::icd10::{self, Icd10Entry};

const DIAGNOSIS_RESULTS: usize = 12;

#[derive(Debug, Default)]
pub struct EncounterState {
    pub patient: Option<PatientId>,
    pub patient_name: String,
    pub id: Option<EncounterId>,
    pub form: EncounterForm,
    /// The form as last saved: signing waits until nothing is unsaved.
    pub saved_form: Option<EncounterForm>,
    pub view: Option<EncounterView>,
    pub dx_query: String,
    dx_searched: String,
    dx_results: Vec<&'static Icd10Entry>,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub addendum: String,
    pub busy: bool,
    /// The signing dialog is open: signing is irreversible, so it asks with a summary.
    pub confirm_sign: bool,
    /// The form as last kept in the store's drafts, and when.
    pub kept: Option<(EncounterForm, std::time::Instant)>,
    /// The prescription being written on this visit.
    pub rx: super::prescribe::RxState,
}

impl EncounterState {
    /// A new visit for a patient, dated today.
    pub fn start(patient: PatientId, name: String) -> EncounterState {
        EncounterState {
            patient: Some(patient),
            patient_name: name,
            form: EncounterForm {
                date: dermis_model::validate::format_date(crate::node::today()),
                ..EncounterForm::default()
            },
            ..EncounterState::default()
        }
    }

    /// Waiting for a stored visit to load.
    pub fn opening(id: EncounterId) -> EncounterState {
        EncounterState {
            id: Some(id),
            ..EncounterState::default()
        }
    }

    pub fn loaded(&self) -> bool {
        self.view.is_some() || (self.id.is_none() && self.patient.is_some())
    }

    pub fn on_view(&mut self, view: EncounterView) {
        let form = EncounterForm::from_encounter(&view.encounter);
        self.patient = Some(view.banner.id);
        self.patient_name = view.banner.name.clone();
        self.id = Some(view.encounter.id);
        self.saved_form = Some(form.clone());
        self.form = form;
        self.view = Some(view);
        self.busy = false;
        self.addendum.clear();
        self.errors = ValidationErrors::default();
        self.error = None;
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }

    /// Whether leaving now would lose something typed: a stored visit that differs from
    /// what was saved, or a new one with anything written in it.
    pub fn has_unsaved_changes(&self) -> bool {
        if self.signed() || self.patient.is_none() {
            return false;
        }
        if self.rx.has_typing() {
            return true;
        }
        match &self.saved_form {
            Some(saved) => *saved != self.form,
            None => {
                let f = &self.form;
                [
                    &f.complaint,
                    &f.subjective,
                    &f.objective,
                    &f.assessment,
                    &f.plan,
                ]
                .iter()
                .any(|t| !t.trim().is_empty())
                    || !f.diagnoses.is_empty()
            }
        }
    }

    /// Which draft this visit's unsaved typing is kept under.
    pub fn draft_key(&self) -> Option<DraftKey> {
        match (self.id, self.patient) {
            (Some(id), _) => Some(DraftKey::Visit(id)),
            (None, Some(patient)) => Some(DraftKey::New(patient)),
            (None, None) => None,
        }
    }

    /// Takes a draft kept by an earlier session, unless the visit already shows it.
    pub fn on_draft(&mut self, key: DraftKey, form: EncounterForm) -> bool {
        if self.draft_key() != Some(key) || self.signed() || form == self.form {
            return false;
        }
        self.kept = Some((form.clone(), std::time::Instant::now()));
        self.form = form;
        true
    }

    /// What to keep now: the form, if it has unsaved changes not kept yet and the last
    /// keep is older than `every` (typing is kept about once a second, not per key).
    pub fn due_for_keeping(&self, every: std::time::Duration) -> Option<(DraftKey, PatientId)> {
        if !self.has_unsaved_changes() {
            return None;
        }
        match &self.kept {
            Some((form, _)) if *form == self.form => return None,
            Some((_, at)) if at.elapsed() < every => return None,
            _ => {}
        }
        Some((self.draft_key()?, self.patient?))
    }

    /// Forgets what was typed since the last save.
    pub fn discard_changes(&mut self) {
        match &self.saved_form {
            Some(saved) => self.form = saved.clone(),
            None => {
                self.form = EncounterForm {
                    date: self.form.date.clone(),
                    ..EncounterForm::default()
                }
            }
        }
    }

    fn signed(&self) -> bool {
        self.view
            .as_ref()
            .is_some_and(|v| v.encounter.status == EncounterStatus::Signed)
    }
}

pub fn encounter_ui(ui: &mut Ui, state: &mut EncounterState, ctx: &mut Ctx<'_>) {
    if let Some(error) = &state.error {
        widgets::error_line(ui, &ctx.tr.ui_error(error));
    }
    if !state.loaded() {
        ui.spinner();
        return;
    }
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.t_args(
            "gui-encounter-heading",
            &[("patient", state.patient_name.as_str().into())],
        ));
        let (status, color) = if state.signed() {
            ("status-signed", widgets::ok_color(ui))
        } else {
            ("status-draft", widgets::warn_color(ui))
        };
        widgets::badge(ui, &tr.t(status), color);
        if state.view.as_ref().is_some_and(|v| v.pending) {
            widgets::badge(ui, &tr.t("gui-sync-waiting"), widgets::warn_color(ui));
        }
    });
    ui.horizontal(|ui| {
        if ui.button(tr.t("gui-back")).clicked()
            && let Some(patient) = state.patient
        {
            ctx.go(Nav::OpenPatient(patient));
        }
        // Photos taken during this visit are linked to it (a saved visit: it has an id).
        if let (Some(patient), Some(visit)) = (state.patient, state.id)
            && ui.button(tr.t("gui-photos-title")).clicked()
        {
            let name = state.patient_name.clone();
            ctx.go(Nav::Photos {
                patient,
                name,
                visit: Some(visit),
            });
        }
    });
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        if state.signed() {
            signed_ui(ui, state, ctx);
        } else {
            draft_ui(ui, state, ctx);
        }
    });
}

fn draft_ui(ui: &mut Ui, state: &mut EncounterState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let editable = ctx.can(Permission::EditClinical);
    let errors = state.errors.clone();
    let errors = |field: &str| tr.errors_for(&errors, field);
    ui.add_enabled_ui(editable, |ui| {
        widgets::form_grid(ui, "soap", |ui| {
            let f = &mut state.form;
            date_input::date_row(ui, tr, &tr.t("field-date"), &mut f.date, &errors("date"));
            widgets::text_row(
                ui,
                &tr.t("field-complaint"),
                &mut f.complaint,
                &errors("complaint"),
            );
            for (label, value, field) in [
                ("field-subjective", &mut f.subjective, "subjective"),
                ("field-objective", &mut f.objective, "objective"),
                ("field-assessment", &mut f.assessment, "assessment"),
                ("field-plan", &mut f.plan, "plan"),
            ] {
                widgets::multiline_row(ui, &tr.t(label), value, 3, &errors(field));
            }
        });
        ui.add_space(6.0);
        diagnoses_ui(ui, state, ctx);
    });
    if let Some(view) = &state.view {
        ui.add_space(6.0);
        let writable = ctx.can(Permission::EditClinical) && ctx.can(Permission::SignEncounter);
        super::prescribe::prescriptions_ui(ui, &mut state.rx, view, writable, ctx);
        super::prescribe::print_ui(
            ui,
            view.encounter.id,
            !view.encounter.prescriptions.is_empty(),
            ctx,
        );
    }
    if let Some(error) = &state.error {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    ui.add_space(6.0);
    // Ctrl+S saves, as in every editor.
    let save_key = editable
        && !state.confirm_sign
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::S));
    ui.horizontal(|ui| {
        let save = editable
            && ui
                .add_enabled(!state.busy, egui::Button::new(tr.t("gui-save")))
                .on_hover_text(tr.t("gui-save-shortcut"))
                .clicked();
        if (save || (save_key && !state.busy))
            && let Some(patient) = state.patient
        {
            state.busy = true;
            state.errors = ValidationErrors::default();
            state.error = None;
            ctx.send(Command::SaveEncounter {
                patient,
                id: state.id,
                form: state.form.clone(),
            });
        }
        if ctx.can(Permission::SignEncounter) {
            let unsaved = state.saved_form.as_ref() != Some(&state.form);
            let can_sign = !state.busy && !unsaved;
            let sign = ui
                .add_enabled(can_sign, egui::Button::new(tr.t("gui-encounter-sign")))
                .on_disabled_hover_text(tr.t("gui-encounter-save-first"));
            if sign.clicked() && state.id.is_some() {
                state.confirm_sign = true;
            }
            if unsaved && state.id.is_some() {
                ui.weak(tr.t("gui-encounter-save-first"));
            }
        }
        if state.busy {
            ui.spinner();
        }
    });
    if state.confirm_sign {
        sign_dialog_ui(ui, state, ctx);
    }
}

/// Asks before signing, showing what the signature will seal: the date, the complaint
/// and the diagnoses. Enter signs, Esc (or Cancel) goes back to the note.
fn sign_dialog_ui(ui: &mut Ui, state: &mut EncounterState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let mut sign = false;
    let mut cancel = false;
    let modal = egui::Modal::new(egui::Id::unique("sign-visit")).show(ui.ctx(), |ui| {
        ui.set_max_width(460.0);
        ui.heading(tr.t("gui-encounter-sign-title"));
        ui.add_space(4.0);
        ui.label(format!(
            "{} — {}",
            tr.stored_date(&state.form.date),
            state.form.complaint
        ));
        ui.add_space(4.0);
        ui.strong(tr.t("gui-encounter-diagnoses"));
        if state.form.diagnoses.is_empty() {
            ui.label(tr.t("gui-encounter-sign-no-diagnoses"));
        }
        for code in &state.form.diagnoses {
            ui.label(format!(
                "{code}  {}",
                icd10::label(code, tr.locale).unwrap_or_default()
            ));
        }
        if let Some(view) = &state.view
            && !view.encounter.prescriptions.is_empty()
        {
            ui.add_space(4.0);
            ui.strong(tr.t("gui-encounter-sign-prescriptions"));
            for p in &view.encounter.prescriptions {
                ui.label(format!("{} — {} — {}", p.drug, p.dose, p.instructions));
            }
        }
        ui.add_space(6.0);
        ui.label(tr.t("gui-encounter-sign-explain"));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let confirm = ui.add(widgets::primary_button(
                ui,
                &tr.t("gui-encounter-sign-confirm"),
            ));
            if ui.ctx().memory(|m| m.focused()).is_none() {
                // Keyboard first: Enter signs, Tab reaches Cancel, Esc closes.
                confirm.request_focus();
            }
            sign = confirm.clicked();
            cancel = ui.button(tr.t("gui-cancel")).clicked();
        });
    });
    if sign && let Some(id) = state.id {
        state.confirm_sign = false;
        state.busy = true;
        ctx.send(Command::SignEncounter { id });
    } else if cancel || modal.should_close() {
        state.confirm_sign = false;
    }
}

fn diagnoses_ui(ui: &mut Ui, state: &mut EncounterState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-encounter-diagnoses"), |ui| {
        let mut remove = None;
        for (i, code) in state.form.diagnoses.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.strong(code);
                ui.label(icd10::label(code, tr.locale).unwrap_or_default());
                if ui.small_button(tr.t("gui-remove")).clicked() {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            state.form.diagnoses.remove(i);
        }
        for error in tr.errors_for(&state.errors, "diagnosis") {
            widgets::error_line(ui, &error);
        }
        widgets::labelled_input(
            ui,
            &tr.t("gui-encounter-find-diagnosis"),
            &tr.t("gui-encounter-find-diagnosis-hint"),
            &mut state.dx_query,
            320.0,
        );
        if state.dx_query != state.dx_searched {
            state.dx_results = icd10::search(&state.dx_query, tr.locale, DIAGNOSIS_RESULTS);
            state.dx_searched = state.dx_query.clone();
        }
        for entry in &state.dx_results {
            let chosen = state.form.diagnoses.iter().any(|c| c == entry.code);
            let label = icd10::label(entry.code, tr.locale).unwrap_or(entry.label);
            let text = format!("{}  {label}", entry.code);
            if ui
                .add_enabled(!chosen, egui::Button::new(text).small())
                .clicked()
            {
                state.form.diagnoses.push(entry.code.to_owned());
            }
        }
    });
}

fn signed_ui(ui: &mut Ui, state: &mut EncounterState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(view) = &state.view else { return };
    let e = &view.encounter;
    egui::Grid::new("signed-note")
        .num_columns(2)
        .show(ui, |ui| {
            let mut row = |label: &str, text: &str| {
                ui.label(RichText::new(tr.t(label)).strong());
                ui.label(text);
                ui.end_row();
            };
            row("field-date", &tr.date(e.date));
            row("field-clinician", &e.clinician);
            row("field-complaint", &e.complaint);
            row("field-subjective", &e.subjective);
            row("field-objective", &e.objective);
            row("field-assessment", &e.assessment);
            row("field-plan", &e.plan);
        });
    widgets::section(ui, &tr.t("gui-encounter-diagnoses"), |ui| {
        for d in &e.diagnoses {
            ui.horizontal(|ui| {
                ui.strong(&d.code);
                // The record keeps the English label; the reader sees their language.
                ui.label(icd10::label(&d.code, tr.locale).unwrap_or(&d.label));
            });
        }
    });
    super::prescribe::prescriptions_ui(ui, &mut state.rx, view, false, ctx);
    super::prescribe::print_ui(ui, e.id, !e.prescriptions.is_empty(), ctx);
    if let (Some(by), Some(at)) = (&e.signed_by, e.signed_at) {
        ui.label(tr.t_args(
            "gui-encounter-signed-by",
            &[
                ("who", by.as_str().into()),
                ("when", tr.datetime(at).into()),
            ],
        ));
    }
    ui.weak(tr.t("gui-encounter-read-only"));
    ui.add_space(6.0);
    widgets::section(ui, &tr.t("gui-encounter-addenda"), |ui| {
        for a in &e.addenda {
            ui.label(RichText::new(format!("{} — {}", tr.datetime(a.at), a.author)).weak());
            ui.label(&a.text);
            ui.add_space(4.0);
        }
        if ctx.can(Permission::EditClinical) {
            let errors = tr.errors_for(&state.errors, "addendum");
            widgets::form_grid(ui, "addendum", |ui| {
                widgets::multiline_row(
                    ui,
                    &tr.t("gui-encounter-addendum"),
                    &mut state.addendum,
                    3,
                    &errors,
                );
            });
            let ready = !state.busy && !state.addendum.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new(tr.t("gui-encounter-add-addendum")))
                .clicked()
                && let Some(id) = state.id
            {
                state.busy = true;
                ctx.send(Command::AddAddendum {
                    id,
                    text: state.addendum.clone(),
                });
            }
        }
    });
}
