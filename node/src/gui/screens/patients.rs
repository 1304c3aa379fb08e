//! Patients: search as you type over the full-text index, the result list, and the
//! form that creates or edits a patient with a message under each invalid field.
//!
//! Every keystroke sends a search with a new generation number; answers for older
//! generations are dropped, so the list never jumps back to what was typed before.

use dermis_model::clinic::Permission;
use dermis_model::patient::PatientForm;
use dermis_model::{PatientId, ValidationErrors};
use egui::Ui;

use super::{Ctx, Nav};
use crate::gui::backend::{Command, UiError};
use crate::gui::{date_input, widgets};
use crate::i18n::message_id;
use crate::store::queries::PatientRow;

const ROW_HEIGHT: f32 = 24.0;

#[derive(Debug, Default)]
pub struct PatientsState {
    pub query: String,
    /// The generation of the last search sent.
    pub generation: u64,
    /// The generation the shown rows answer.
    pub shown: u64,
    pub rows: Vec<PatientRow>,
    pub loaded: bool,
    pub form: Option<PatientFormState>,
    /// Put the cursor in the search box on the next frame, so typing finds at once.
    pub focus_search: bool,
}

impl PatientsState {
    /// The search for what is typed now.
    pub fn search(&mut self) -> Command {
        self.generation += 1;
        Command::SearchPatients {
            generation: self.generation,
            query: self.query.clone(),
        }
    }

    /// The search on screen run again (the store changed under it): an answer for the
    /// same generation replaces the rows in place, so the list shows no spinner and
    /// Enter still opens the first patient while it runs. Once nothing is shown, a new
    /// search.
    pub fn search_again(&mut self) -> Command {
        if !self.loaded || self.shown != self.generation {
            return self.search();
        }
        Command::SearchPatients {
            generation: self.generation,
            query: self.query.clone(),
        }
    }

    /// Takes the rows of a search answer unless a newer search was sent since.
    pub fn on_rows(&mut self, generation: u64, rows: Vec<PatientRow>) {
        if generation == self.generation {
            self.rows = rows;
            self.shown = generation;
            self.loaded = true;
        }
    }
}

#[derive(Debug)]
pub struct PatientFormState {
    pub id: Option<PatientId>,
    pub form: PatientForm,
    /// The first phone number, edited on its own line.
    pub phone: String,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
    /// The first field takes the cursor when the form opens: typing starts at once.
    focus_first: bool,
}

impl PatientFormState {
    pub fn new_patient() -> PatientFormState {
        PatientFormState {
            id: None,
            form: PatientForm {
                sex: "unknown".into(),
                ..PatientForm::default()
            },
            phone: String::new(),
            errors: ValidationErrors::default(),
            error: None,
            busy: false,
            focus_first: true,
        }
    }

    pub fn edit(id: PatientId, form: PatientForm) -> PatientFormState {
        PatientFormState {
            id: Some(id),
            phone: form.phones.first().cloned().unwrap_or_default(),
            form,
            errors: ValidationErrors::default(),
            error: None,
            busy: false,
            focus_first: true,
        }
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }
}

pub fn patients_ui(ui: &mut Ui, state: &mut PatientsState, ctx: &mut Ctx<'_>) {
    if let Some(form) = &mut state.form {
        if form_ui(ui, form, ctx) {
            state.form = None;
        }
        return;
    }
    ui.horizontal(|ui| {
        ui.heading(ctx.t("gui-nav-patients"));
        if ctx.can(Permission::EditPatients) && ui.button(ctx.t("gui-patients-new")).clicked() {
            ctx.go(Nav::NewPatient);
        }
    });
    let search = widgets::labelled_input(
        ui,
        &ctx.t("gui-patients-search"),
        &ctx.t("gui-patients-search-hint"),
        &mut state.query,
        360.0,
    );
    if std::mem::take(&mut state.focus_search) {
        search.request_focus();
    }
    if search.changed() {
        let command = state.search();
        ctx.send(command);
    }
    // Enter opens the first patient found, once the list answers what is typed: a
    // receptionist types a record number or a name and presses Enter.
    if widgets::submitted(ui, &search)
        && state.shown == state.generation
        && let Some(id) = state
            .rows
            .first()
            .and_then(|p| p.id.parse::<PatientId>().ok())
    {
        ctx.go(Nav::OpenPatient(id));
    }
    ui.horizontal(|ui| {
        if state.query.trim().is_empty() {
            ui.weak(ctx.t("gui-patients-recent"));
        } else {
            ui.weak(ctx.tr.count("patients-count", state.rows.len() as i64));
        }
        if state.shown != state.generation {
            ui.spinner();
        }
    });
    ui.separator();
    if state.loaded && state.rows.is_empty() {
        ui.weak(ctx.t("gui-patients-none"));
        return;
    }
    list_ui(ui, &state.rows, ctx);
}

/// Column widths of the list: name, record number, birth date, phone, allergies, last visit.
const COLUMNS: [f32; 6] = [250.0, 110.0, 120.0, 170.0, 90.0, 120.0];

fn list_ui(ui: &mut Ui, rows: &[PatientRow], ctx: &mut Ctx<'_>) {
    let clinical = ctx.can(Permission::ViewClinical);
    let headings = [
        "gui-patients-name",
        "field-mrn",
        "field-birth-date",
        "field-phone",
        "field-allergies",
        "gui-patients-last-visit",
    ];
    // Headings are painted at the same offsets as the rows' texts.
    let width = ui.available_width().max(COLUMNS.iter().sum());
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, ROW_HEIGHT), egui::Sense::hover());
    let strong = ui.visuals().strong_text_color();
    let mut x = rect.left();
    for (i, (id, column)) in headings.iter().zip(COLUMNS).enumerate() {
        if i != 4 || clinical {
            let galley = one_line(ui, ctx.t(id), strong, column);
            let pos = egui::pos2(x, rect.center().y - galley.size().y / 2.0);
            ui.painter().galley(pos, galley, strong);
        }
        x += column;
    }
    ui.separator();
    let allergies = ctx.t("field-allergies");
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
            let first = range.start;
            for (i, p) in rows[range].iter().enumerate() {
                let flagged = (clinical && p.allergy_count > 0).then_some(allergies.as_str());
                if row_ui(ui, p, first + i, flagged, ctx)
                    && let Ok(id) = p.id.parse::<PatientId>()
                {
                    ctx.go(Nav::OpenPatient(id));
                }
            }
        });
}

/// One text of a row, cut to its column.
fn one_line(
    ui: &Ui,
    text: String,
    color: egui::Color32,
    width: f32,
) -> std::sync::Arc<egui::Galley> {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let mut job = egui::text::LayoutJob::simple_singleline(text, font, color);
    job.wrap = egui::text::TextWrapping::truncate_at_width(width - 8.0);
    ui.painter().layout_job(job)
}

/// A row of the list: one clickable strip, its texts painted in columns. Thousands of
/// results scroll through here, so a row is one widget rather than six. Returns whether
/// it was clicked.
fn row_ui(
    ui: &mut Ui,
    p: &PatientRow,
    index: usize,
    allergies: Option<&str>,
    ctx: &Ctx<'_>,
) -> bool {
    let width = ui.available_width().max(COLUMNS.iter().sum());
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(width, ROW_HEIGHT), egui::Sense::click());
    let mut name = format!("{} {}", p.last_name, p.first_name);
    if let Some(middle) = &p.middle_name {
        name.push(' ');
        name.push_str(middle);
    }
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Link, enabled, &name));
    if ui.is_rect_visible(rect) {
        let visuals = ui.visuals();
        let painter = ui.painter();
        if response.hovered() || response.has_focus() {
            painter.rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
        } else if index % 2 == 1 {
            painter.rect_filled(rect, 0.0, visuals.faint_bg_color);
        }
        let date = |d: &Option<String>| {
            d.as_deref()
                .map(|d| ctx.tr.stored_date(d))
                .unwrap_or_default()
        };
        let texts = [
            (name, visuals.hyperlink_color),
            (p.mrn.clone(), visuals.text_color()),
            (date(&p.birth_date), visuals.text_color()),
            (p.phone.clone().unwrap_or_default(), visuals.text_color()),
            (
                allergies.unwrap_or_default().to_owned(),
                visuals.error_fg_color,
            ),
            (date(&p.last_visit), visuals.text_color()),
        ];
        let mut x = rect.left();
        for ((text, color), column) in texts.into_iter().zip(COLUMNS) {
            if !text.is_empty() {
                let galley = one_line(ui, text, color, column);
                let pos = egui::pos2(x, rect.center().y - galley.size().y / 2.0);
                ui.painter().galley(pos, galley, color);
            }
            x += column;
        }
    }
    response
        .on_hover_cursor(egui::CursorIcon::PointingHand)
        .clicked()
}

/// Draws the form; returns true when the user leaves it.
fn form_ui(ui: &mut Ui, state: &mut PatientFormState, ctx: &mut Ctx<'_>) -> bool {
    let title = if state.id.is_some() {
        "gui-patients-edit"
    } else {
        "gui-patients-new"
    };
    ui.heading(ctx.t(title));
    let mut close = false;
    egui::ScrollArea::vertical().show(ui, |ui| {
        let tr = ctx.tr;
        let errors = |field: &str| tr.errors_for(&state.errors, field);
        let labels: Vec<(String, String)> = ["female", "male", "other", "unknown"]
            .iter()
            .map(|s| ((*s).to_owned(), tr.t(&message_id("sex", s))))
            .collect();
        widgets::form_grid(ui, "patient-form", |ui| {
            let f = &mut state.form;
            let first = widgets::text_row(
                ui,
                &tr.t("field-first-name"),
                &mut f.first_name,
                &errors("first_name"),
            );
            if std::mem::take(&mut state.focus_first) {
                first.request_focus();
            }
            widgets::text_row(
                ui,
                &tr.t("field-last-name"),
                &mut f.last_name,
                &errors("last_name"),
            );
            widgets::text_row(
                ui,
                &tr.t("field-middle-name"),
                &mut f.middle_name,
                &errors("middle_name"),
            );
            date_input::date_row(
                ui,
                tr,
                &tr.t("field-birth-date"),
                &mut f.birth_date,
                &errors("birth_date"),
            );
            widgets::combo_row(ui, &tr.t("field-sex"), &mut f.sex, &labels, &errors("sex"));
            let mut phone_errors = errors("phone");
            phone_errors.extend(
                state
                    .errors
                    .0
                    .iter()
                    .filter(|e| e.field.starts_with("phone["))
                    .map(|e| tr.field_error(e)),
            );
            widgets::text_row(ui, &tr.t("field-phone"), &mut state.phone, &phone_errors);
            widgets::text_row(ui, &tr.t("field-email"), &mut f.email, &errors("email"));
            widgets::text_row(
                ui,
                &tr.t("field-address"),
                &mut f.address,
                &errors("address"),
            );
            widgets::text_row(ui, &tr.t("field-mrn"), &mut f.mrn, &errors("mrn"));
            if ctx.session.can(Permission::ViewClinical) {
                widgets::multiline_row(
                    ui,
                    &tr.t("field-medical-history"),
                    &mut f.medical_history,
                    3,
                    &errors("medical_history"),
                );
                widgets::multiline_row(ui, &tr.t("field-notes"), &mut f.notes, 3, &errors("notes"));
            }
        });
        if state.id.is_none() {
            ui.weak(tr.t("gui-patients-mrn-hint"));
        }
        if let Some(error) = &state.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!state.busy, egui::Button::new(tr.t("gui-save")))
                .clicked()
            {
                let mut form = state.form.clone();
                if form.phones.is_empty() {
                    form.phones.push(state.phone.clone());
                } else {
                    form.phones[0] = state.phone.clone();
                }
                state.busy = true;
                state.error = None;
                state.errors = ValidationErrors::default();
                ctx.send(Command::SavePatient { id: state.id, form });
            }
            if ui.button(tr.t("gui-cancel")).clicked() {
                close = true;
                if let Some(id) = state.id {
                    ctx.go(Nav::OpenPatient(id));
                }
            }
            if state.busy {
                ui.spinner();
            }
        });
    });
    close
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(last_name: &str) -> PatientRow {
        PatientRow {
            id: PatientId::new().to_string(),
            first_name: "A".into(),
            last_name: last_name.into(),
            middle_name: None,
            birth_date: None,
            sex: "unknown".into(),
            phone: None,
            email: None,
            mrn: "N1-P000001".into(),
            allergy_count: 0,
            encounter_count: 0,
            photo_count: 0,
            last_visit: None,
        }
    }

    #[test]
    fn answers_to_superseded_searches_are_dropped() {
        let mut state = PatientsState {
            query: "ma".into(),
            ..PatientsState::default()
        };
        let Command::SearchPatients {
            generation: first, ..
        } = state.search()
        else {
            panic!("a search");
        };
        state.query = "mar".into();
        let Command::SearchPatients {
            generation: second, ..
        } = state.search()
        else {
            panic!("a search");
        };
        // The answer to "mar" arrives first; the late answer to "ma" must not replace it.
        state.on_rows(second, vec![row("Martin")]);
        state.on_rows(first, vec![row("Mabry"), row("Marsh")]);
        assert_eq!(state.rows.len(), 1);
        assert_eq!(state.rows[0].last_name, "Martin");
        assert_eq!(state.shown, second);
    }

    #[test]
    fn a_search_run_again_replaces_the_rows_in_place() {
        let mut state = PatientsState {
            query: "mar".into(),
            ..PatientsState::default()
        };
        let Command::SearchPatients { generation, .. } = state.search() else {
            panic!("a search");
        };
        state.on_rows(generation, vec![row("Martin")]);
        let Command::SearchPatients {
            generation: again,
            query,
        } = state.search_again()
        else {
            panic!("a search");
        };
        assert_eq!((again, query.as_str()), (generation, "mar"));
        assert_eq!(state.shown, state.generation, "no spinner while it runs");
        state.on_rows(again, vec![row("Martin"), row("Marsh")]);
        assert_eq!(state.rows.len(), 2, "the store's new patient is listed");

        // Run again, then typed on before its answer came: the late answer is dropped.
        let Command::SearchPatients {
            generation: again, ..
        } = state.search_again()
        else {
            panic!("a search");
        };
        state.query = "mars".into();
        let typed = match state.search() {
            Command::SearchPatients { generation, .. } => generation,
            _ => panic!("a search"),
        };
        state.on_rows(again, vec![row("Martin")]);
        assert_eq!(state.rows.len(), 2);
        state.on_rows(typed, vec![row("Marsh")]);
        assert_eq!(state.rows.len(), 1);
    }
}
