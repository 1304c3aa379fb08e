//! The book's dialogs: booking (a patient found by name or record number, the clinician,
//! the day, the start, the length, the reason), moving (the same form for an existing
//! appointment, its patient fixed) and cancelling (asks first, with a reason). Enter
//! saves, Esc closes, Tab walks the fields in the order they are drawn.

use dermis_model::appointment::{AppointmentDraft, AppointmentSource};
use dermis_model::{AppointmentId, Millis, PatientId, UserId, ValidationErrors};
use egui::{Key, Ui};
use time::{Date, Time};

use super::{AppointmentsState, PatientSearch, clock, day_title, who};
use crate::gui::backend::{BookCommand, Command};
use crate::gui::date_input;
use crate::gui::screens::Ctx;
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::localtime;
use crate::store::queries::AppointmentRow;

/// Lengths offered, in minutes.
const LENGTHS: [i64; 8] = [10, 15, 20, 30, 45, 60, 90, 120];

#[derive(Debug)]
pub enum Dialog {
    Book(BookForm),
    Cancel(CancelForm),
}

#[derive(Debug)]
pub struct BookForm {
    /// The appointment being moved (`None`: a new booking).
    pub moving: Option<AppointmentId>,
    /// The patient chosen, with their name; a moved appointment's person as text.
    pub patient: Option<(PatientId, String)>,
    pub who: String,
    pub search: PatientSearch,
    pub clinician: Option<UserId>,
    /// `YYYY-MM-DD`, as the date picker keeps it.
    pub date: String,
    pub time: String,
    pub minutes: i64,
    pub reason: String,
    /// The worker's refusal, by field.
    pub errors: ValidationErrors,
    /// Problems found before sending: (field, message id).
    local: Vec<(&'static str, &'static str)>,
    opened: bool,
}

impl BookForm {
    /// A new booking on `date` at `at` with `clinician`.
    pub fn new(tr: &Tr, date: Date, at: Millis, clinician: Option<UserId>) -> BookForm {
        BookForm {
            moving: None,
            patient: None,
            who: String::new(),
            search: PatientSearch::default(),
            clinician,
            date: dermis_model::validate::format_date(date),
            time: clock(tr, at),
            minutes: 30,
            reason: String::new(),
            errors: ValidationErrors::default(),
            local: Vec::new(),
            opened: false,
        }
    }

    /// The form that moves `row`.
    pub fn moving(tr: &Tr, row: &AppointmentRow) -> Option<BookForm> {
        let id = row.id.parse().ok()?;
        let date = localtime::local(row.start).date();
        let mut form = BookForm::new(
            tr,
            date,
            row.start,
            row.clinician_id.as_deref().and_then(|c| c.parse().ok()),
        );
        form.moving = Some(id);
        form.who = who(row);
        form.minutes = ((row.end - row.start) / 60_000).max(1);
        form.reason = row.title.clone();
        Some(form)
    }

    fn errors_for(&self, tr: &Tr, field: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .local
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, id)| tr.t(id))
            .collect();
        out.extend(tr.errors_for(&self.errors, field));
        out
    }
}

#[derive(Debug)]
pub struct CancelForm {
    pub id: AppointmentId,
    pub who: String,
    pub when: String,
    pub reason: String,
    pub errors: ValidationErrors,
}

impl CancelForm {
    pub fn new(tr: &Tr, row: &AppointmentRow) -> Option<CancelForm> {
        Some(CancelForm {
            id: row.id.parse().ok()?,
            who: who(row),
            when: format!(
                "{} {}",
                day_title(tr, localtime::local(row.start).date()),
                clock(tr, row.start)
            ),
            reason: String::new(),
            errors: ValidationErrors::default(),
        })
    }
}

pub(super) fn dialog_ui(ui: &mut Ui, state: &mut AppointmentsState, ctx: &mut Ctx<'_>) {
    let mut dialog = state.dialog.take();
    let open = match &mut dialog {
        Some(Dialog::Book(form)) => book_ui(ui, state, form, ctx),
        Some(Dialog::Cancel(form)) => cancel_ui(ui, state, form, ctx),
        None => false,
    };
    if open {
        state.dialog = dialog;
    }
}

/// Draws the booking form; false once it is closed.
fn book_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    form: &mut BookForm,
    ctx: &mut Ctx<'_>,
) -> bool {
    let tr = ctx.tr;
    let clinicians: Vec<(Option<UserId>, String)> =
        std::iter::once((None, tr.t("gui-book-clinician-none")))
            .chain(
                state
                    .data
                    .iter()
                    .flat_map(|d| d.clinicians.iter())
                    .map(|c| (Some(c.id), c.name.clone())),
            )
            .collect();
    let mut save = false;
    let mut close = false;
    let mut search_now = None;
    let modal = egui::Modal::new(egui::Id::unique("book-appointment")).show(ui.ctx(), |ui| {
        ui.set_max_width(620.0);
        ui.heading(tr.t(if form.moving.is_some() {
            "gui-book-title-move"
        } else {
            "gui-book-title-new"
        }));
        ui.add_space(6.0);
        widgets::form_grid(ui, "book-form", |ui| {
            if form.moving.is_some() {
                ui.label(tr.t("gui-col-patient"));
                ui.strong(&form.who);
                ui.end_row();
            } else if let Some((_, name)) = &form.patient {
                ui.label(tr.t("gui-col-patient"));
                let mut change = false;
                ui.horizontal(|ui| {
                    ui.strong(name);
                    change = ui.button(tr.t("gui-book-change-patient")).clicked();
                });
                ui.end_row();
                if change {
                    form.patient = None;
                }
            } else {
                let errors = form.errors_for(tr, "patient");
                let response = widgets::text_row(
                    ui,
                    &tr.t("gui-book-find-patient"),
                    &mut form.search.query,
                    &errors,
                );
                if !form.opened {
                    response.request_focus();
                }
                if form.search.sent.as_deref() != Some(form.search.query.as_str()) {
                    search_now = Some(form.search.query.clone());
                }
                if widgets::submitted(ui, &response) {
                    form.patient = form.search.rows.iter().find_map(patient_choice);
                }
                ui.label("");
                ui.vertical(|ui| {
                    ui.set_min_width(widgets::FIELD_WIDTH + 60.0);
                    for row in form.search.rows.iter().take(6) {
                        let text = format!(
                            "{} {} · {}{}",
                            row.last_name,
                            row.first_name,
                            row.mrn,
                            row.birth_date
                                .as_deref()
                                .map(|d| format!(" · {}", tr.stored_date(d)))
                                .unwrap_or_default()
                        );
                        let pick = ui.add(egui::Button::selectable(false, text).truncate());
                        if pick.clicked() {
                            form.patient = patient_choice(row);
                        }
                    }
                });
                ui.end_row();
            }
            let mut clinician = form.clinician;
            widgets::combo_row(
                ui,
                &tr.t("field-clinician"),
                &mut clinician,
                &clinicians,
                &form.errors_for(tr, "clinician"),
            );
            form.clinician = clinician;
            let errors = form.errors_for(tr, "date");
            date_input::date_row(ui, tr, &tr.t("gui-book-date"), &mut form.date, &errors);
            let errors = form.errors_for(tr, "start");
            let time = widgets::text_row(ui, &tr.t("gui-book-start"), &mut form.time, &errors);
            if !form.opened && form.moving.is_some() {
                time.request_focus();
            }
            let lengths: Vec<(i64, String)> = LENGTHS
                .iter()
                .chain(std::iter::once(&form.minutes).filter(|m| !LENGTHS.contains(*m)))
                .map(|m| {
                    (
                        *m,
                        tr.t_args("gui-book-minutes-value", &[("count", (*m).into())]),
                    )
                })
                .collect();
            let errors = form.errors_for(tr, "end");
            widgets::combo_row(
                ui,
                &tr.t("gui-book-length"),
                &mut form.minutes,
                &lengths,
                &errors,
            );
            let errors = form.errors_for(tr, "title");
            widgets::text_row(ui, &tr.t("gui-book-reason"), &mut form.reason, &errors);
        });
        for error in form.errors_for(tr, "status") {
            widgets::error_line(ui, &error);
        }
        if let Some(data) = &state.data {
            for warning in overlaps(tr, form, data) {
                ui.label(egui::RichText::new(warning).color(widgets::warn_color(ui)));
            }
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let text = tr.t(if form.moving.is_some() {
                "gui-book-save-move"
            } else {
                "gui-book-save"
            });
            save |= ui
                .add_enabled(!state.busy, widgets::primary_button(ui, &text))
                .clicked();
            close |= ui.button(tr.t("gui-cancel")).clicked();
        });
        // Enter saves, except in the patient search, where it picks the first match.
        let searching = form.moving.is_none() && form.patient.is_none();
        if !searching && ui.input(|i| i.key_pressed(Key::Enter)) {
            save = true;
        }
    });
    form.opened = true;
    if let Some(query) = search_now {
        form.search.sent = Some(query.clone());
        state.generation += 1;
        form.search.generation = state.generation;
        ctx.send(Command::Book(BookCommand::FindPatients {
            generation: state.generation,
            query,
        }));
    }
    if close || modal.should_close() {
        return false;
    }
    if save && !state.busy {
        submit(state, form, ctx);
    }
    true
}

/// What the clinician already has in the time the form asks for: a warning, not a
/// refusal (a quick dressing between two visits is a desk's call).
fn overlaps(tr: &Tr, form: &BookForm, data: &crate::gui::backend::BookData) -> Vec<String> {
    let (Some(clinician), Some(time)) = (form.clinician, parse_time(&form.time)) else {
        return Vec::new();
    };
    let Ok(date) = Date::parse(
        &form.date,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) else {
        return Vec::new();
    };
    let start = localtime::to_millis(date, time);
    let end = start + form.minutes * 60_000;
    let moving = form.moving.map(|id| id.to_string());
    let clinician_id = clinician.to_string();
    let name = data
        .clinicians
        .iter()
        .find(|c| c.id == clinician)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    data.rows
        .iter()
        .filter(|r| {
            r.clinician_id.as_deref() == Some(clinician_id.as_str())
                && Some(&r.id) != moving.as_ref()
                && r.status != "canceled"
                && r.start < end
                && start < r.end
        })
        .map(|r| {
            tr.t_args(
                "gui-book-overlap",
                &[
                    ("who", name.clone().into()),
                    ("name", who(r).into()),
                    (
                        "when",
                        format!("{}–{}", clock(tr, r.start), clock(tr, r.end)).into(),
                    ),
                ],
            )
        })
        .collect()
}

fn patient_choice(row: &crate::store::queries::PatientRow) -> Option<(PatientId, String)> {
    Some((
        row.id.parse().ok()?,
        format!("{} {}", row.last_name, row.first_name),
    ))
}

/// Checks what the worker cannot (the typed day and time), then sends the booking or move.
fn submit(state: &mut AppointmentsState, form: &mut BookForm, ctx: &mut Ctx<'_>) {
    form.local.clear();
    form.errors = ValidationErrors::default();
    if form.moving.is_none() && form.patient.is_none() {
        form.local.push(("patient", "gui-book-choose-patient"));
    }
    let date = Date::parse(
        &form.date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok();
    if date.is_none() {
        form.local.push(("date", "gui-book-bad-date"));
    }
    let time = parse_time(&form.time);
    if time.is_none() {
        form.local.push(("start", "gui-book-bad-time"));
    }
    let (Some(date), Some(time)) = (date, time) else {
        return;
    };
    if !form.local.is_empty() {
        return;
    }
    let start = localtime::to_millis(date, time);
    let end = start + form.minutes * 60_000;
    let command = match form.moving {
        Some(id) => BookCommand::Move {
            id,
            start,
            end,
            clinician: form.clinician,
        },
        None => BookCommand::Add(Box::new(AppointmentDraft {
            patient_id: form.patient.as_ref().map(|(id, _)| *id),
            invitee_name: None,
            invitee_email: None,
            title: form.reason.trim().to_owned(),
            start,
            end,
            source: AppointmentSource::Manual,
            external_id: None,
            notes: String::new(),
            clinician_id: form.clinician,
            invitee_phone: None,
        })),
    };
    // Show the day it lands on, where the user will look for it.
    state.date = date;
    state.send(ctx, command);
}

/// A time of day as a desk types it: `9:30`, `09.30`, `9h30`, `9:30 PM`, `14`.
pub(super) fn parse_time(text: &str) -> Option<Time> {
    let lower: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    let (body, offset) = if let Some(b) = lower.strip_suffix("am") {
        (b, Some(0))
    } else if let Some(b) = lower.strip_suffix("pm") {
        (b, Some(12))
    } else {
        (lower.as_str(), None)
    };
    let mut parts = body.split([':', '.', 'h']);
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = match parts.next() {
        None | Some("") => 0,
        Some(m) => m.parse().ok()?,
    };
    if parts.next().is_some() {
        return None;
    }
    let hour = match offset {
        Some(add) if (1..=12).contains(&hour) => hour % 12 + add,
        Some(_) => return None,
        None => hour,
    };
    Time::from_hms(hour, minute, 0).ok()
}

/// Draws the cancel question; false once it is closed.
fn cancel_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    form: &mut CancelForm,
    ctx: &mut Ctx<'_>,
) -> bool {
    let tr = ctx.tr;
    let mut confirm = false;
    let mut keep = false;
    let modal = egui::Modal::new(egui::Id::unique("cancel-appointment")).show(ui.ctx(), |ui| {
        ui.set_max_width(460.0);
        ui.heading(tr.t("gui-book-cancel-title"));
        ui.add_space(4.0);
        ui.label(tr.t_args(
            "gui-book-cancel-explain",
            &[
                ("who", form.who.clone().into()),
                ("when", form.when.clone().into()),
            ],
        ));
        ui.add_space(6.0);
        widgets::form_grid(ui, "cancel-form", |ui| {
            let reason = widgets::text_row(
                ui,
                &tr.t("gui-book-cancel-reason"),
                &mut form.reason,
                &tr.errors_for(&form.errors, "reason"),
            );
            if ui.ctx().memory(|m| m.focused()).is_none() {
                reason.request_focus();
            }
            confirm |= widgets::submitted(ui, &reason);
        });
        for error in tr.errors_for(&form.errors, "status") {
            widgets::error_line(ui, &error);
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            confirm |= ui
                .add_enabled(
                    !state.busy,
                    egui::Button::new(
                        egui::RichText::new(tr.t("gui-book-cancel-confirm"))
                            .color(ui.visuals().error_fg_color),
                    ),
                )
                .clicked();
            keep = ui.button(tr.t("gui-book-keep")).clicked();
        });
    });
    if keep || modal.should_close() {
        return false;
    }
    if confirm && !state.busy {
        let command = BookCommand::Cancel {
            id: form.id,
            reason: form.reason.clone(),
        };
        state.send(ctx, command);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::parse_time;
    use time::macros::time;

    #[test]
    fn times_are_read_as_desks_type_them() {
        assert_eq!(parse_time("9:30"), Some(time!(9:30)));
        assert_eq!(parse_time("09.30"), Some(time!(9:30)));
        assert_eq!(parse_time("9h30"), Some(time!(9:30)));
        assert_eq!(parse_time("14"), Some(time!(14:00)));
        assert_eq!(parse_time("9:30\u{202f}PM"), Some(time!(21:30)));
        assert_eq!(parse_time("12:15 AM"), Some(time!(0:15)));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("13:00 PM"), None);
        assert_eq!(parse_time("nine"), None);
    }
}
