//! The appointment book: a day or a week of appointments per clinician, as a receptionist
//! keeps it all day. This module owns the screen's state, its toolbar (day or week, which
//! clinician, previous / today / next, a date picker) and the answers from the worker;
//! `grid` draws the time slots, `panel` the chosen appointment with its actions and the
//! linking of a Calendly invitee to a patient, `dialogs` booking, moving and cancelling,
//! `drag` moving a block by dragging it.
//!
//! Times are the workstation's local time (`crate::localtime`): a desk books 09:30 as the
//! clock on its wall says, whatever the offset from UTC, which documents keep.

mod dialogs;
mod drag;
mod grid;
mod panel;

use dermis_model::clinic::Permission;
use dermis_model::{AppointmentId, Millis, PatientId, UserId};
use egui::{Key, RichText, Ui};
use time::{Date, Duration};

use super::{Ctx, Nav};
use crate::gui::backend::{BookCommand, BookData, BookReply, Command, ContactMatch, UiError};
use crate::gui::date_input;
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::i18n;
use crate::localtime;
use crate::store::queries::{AppointmentRow, PatientRow};

pub use dialogs::{BookForm, Dialog};

#[derive(Debug)]
pub struct AppointmentsState {
    /// The week view (else the day view).
    pub week: bool,
    /// The day shown, or a day of the week shown.
    pub date: Date,
    /// `None`: every clinician (one column each in the day view).
    pub clinician: Option<UserId>,
    pub data: Option<BookData>,
    /// The span last asked of the worker, and whether what is shown must be read again.
    requested: Option<(Millis, Millis)>,
    stale: bool,
    pub selected: Option<AppointmentId>,
    /// Patients whose email or phone matches the selected booking's invitee.
    pub matches: Option<(AppointmentId, Vec<ContactMatch>)>,
    /// "Search another patient" for the selected booking: the query and its answers.
    pub link_search: Option<PatientSearch>,
    pub dialog: Option<Dialog>,
    /// A write is with the worker: the buttons that write wait for its answer, so a
    /// double click books once.
    pub busy: bool,
    pub error: Option<UiError>,
    /// The booking to link to the patient being registered from its invitee.
    pub link_after_register: Option<AppointmentId>,
    generation: u64,
    /// The date picker's text (`YYYY-MM-DD`) and the day it last showed, so typing in it
    /// is not overwritten until it reads as a date.
    date_text: String,
    date_shown: Option<Date>,
}

impl Default for AppointmentsState {
    fn default() -> AppointmentsState {
        AppointmentsState {
            week: false,
            date: localtime::today(),
            clinician: None,
            data: None,
            requested: None,
            stale: true,
            selected: None,
            matches: None,
            link_search: None,
            dialog: None,
            busy: false,
            error: None,
            link_after_register: None,
            generation: 0,
            date_text: String::new(),
            date_shown: None,
        }
    }
}

/// A patient search typed on the screen, answered by generation.
#[derive(Debug, Default)]
pub struct PatientSearch {
    pub query: String,
    pub sent: Option<String>,
    pub generation: u64,
    pub rows: Vec<PatientRow>,
}

impl AppointmentsState {
    /// Whether the screen has what it draws.
    pub fn loaded(&self) -> bool {
        self.data.is_some()
    }

    /// Read the shown days again (the store changed, or the screen was opened).
    pub fn refresh(&mut self) {
        self.stale = true;
    }

    /// Shows the day of `at` with the appointment `id` chosen (from the dashboard).
    pub fn focus(&mut self, id: AppointmentId, at: Millis) {
        self.date = localtime::local(at).date();
        self.week = false;
        self.select(Some(id));
        self.stale = true;
    }

    fn select(&mut self, id: Option<AppointmentId>) {
        if self.selected != id {
            self.selected = id;
            self.matches = None;
            self.link_search = None;
        }
    }

    pub fn on_reply(&mut self, reply: BookReply) {
        match reply {
            BookReply::Loaded(data) => {
                if self.requested == Some((data.from, data.to)) {
                    self.data = Some(*data);
                }
            }
            BookReply::Patients { generation, rows } => {
                if let Some(Dialog::Book(form)) = &mut self.dialog
                    && form.search.generation == generation
                {
                    form.search.rows = rows;
                } else if let Some(search) = &mut self.link_search
                    && search.generation == generation
                {
                    search.rows = rows;
                }
            }
            BookReply::Saved { id } => {
                self.busy = false;
                self.error = None;
                self.dialog = None;
                self.link_search = None;
                self.matches = None;
                self.selected = Some(id);
                self.stale = true;
            }
            BookReply::Matches { id, rows } => self.matches = Some((id, rows)),
        }
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        match (&mut self.dialog, error) {
            (Some(Dialog::Book(form)), UiError::Invalid(errors)) => form.errors = errors,
            (Some(Dialog::Cancel(cancel)), UiError::Invalid(errors)) => cancel.errors = errors,
            (_, other) => self.error = Some(other),
        }
        // What was refused may have been changed elsewhere: show the book as it is.
        self.stale = true;
    }

    /// The first and last day the current view shows.
    fn days(&self, tr: &Tr) -> (Date, Date) {
        if self.week {
            let first = i18n::first_weekday(tr.locale);
            let back = (7 + self.date.weekday().number_days_from_monday()
                - first.number_days_from_monday())
                % 7;
            let start = self.date - Duration::days(i64::from(back));
            (start, start + Duration::days(6))
        } else {
            (self.date, self.date)
        }
    }

    fn send(&mut self, ctx: &mut Ctx<'_>, command: BookCommand) {
        self.busy = true;
        self.error = None;
        ctx.send(Command::Book(command));
    }
}

pub fn appointments_ui(ui: &mut Ui, state: &mut AppointmentsState, ctx: &mut Ctx<'_>) {
    let (first, last) = state.days(ctx.tr);
    // The whole week around the day is read either way, so switching views shows at once.
    let span = week_span(state.date, ctx.tr);
    if state.stale || state.requested != Some(span) {
        state.stale = false;
        state.requested = Some(span);
        ctx.send(Command::Book(BookCommand::Load {
            from: span.0,
            to: span.1,
        }));
    }
    toolbar_ui(ui, state, ctx, first, last);
    if let Some(error) = &state.error {
        widgets::error_line(ui, &ctx.tr.ui_error(error));
    }
    ui.add_space(4.0);
    let Some(data) = state.data.take() else {
        ui.spinner();
        return;
    };
    if state.selected_row_in(&data).is_some() {
        egui::Panel::right("appointment-detail")
            .resizable(false)
            .exact_size(340.0)
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                left: 16,
                right: 6,
                top: 4,
                bottom: 4,
            }))
            .show(ui, |ui| panel::panel_ui(ui, state, &data, ctx));
    }
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE)
        .show(ui, |ui| {
            grid::grid_ui(ui, state, &data, ctx, first, last);
        });
    state.data = Some(data);
    dialogs::dialog_ui(ui, state, ctx);
    keys(ui, state);
}

impl AppointmentsState {
    fn selected_row_in<'d>(&self, data: &'d BookData) -> Option<&'d AppointmentRow> {
        let id = self.selected?.to_string();
        data.rows.iter().find(|r| r.id == id)
    }
}

/// The unix span of the week (as the locale starts it) around `date`.
fn week_span(date: Date, tr: &Tr) -> (Millis, Millis) {
    let first = i18n::first_weekday(tr.locale);
    let back = (7 + date.weekday().number_days_from_monday() - first.number_days_from_monday()) % 7;
    let start = date - Duration::days(i64::from(back));
    (
        localtime::day_start(start),
        localtime::day_start(start + Duration::days(7)),
    )
}

fn toolbar_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    ctx: &mut Ctx<'_>,
    first: Date,
    last: Date,
) {
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.t("gui-nav-appointments"));
        ui.add_space(12.0);
        if ui
            .selectable_label(!state.week, tr.t("gui-book-day"))
            .clicked()
        {
            state.week = false;
        }
        if ui
            .selectable_label(state.week, tr.t("gui-book-week"))
            .clicked()
        {
            state.week = true;
        }
        ui.add_space(12.0);
        let label = ui.label(tr.t("gui-book-calendar-of"));
        let mut options = vec![(None, tr.t("gui-book-all-clinicians"))];
        if let Some(data) = &state.data {
            options.extend(data.clinicians.iter().map(|c| (Some(c.id), c.name.clone())));
        }
        widgets::combo(ui, "book-clinician", &label, &mut state.clinician, &options);
        if ctx.can(Permission::ManageAppointments) {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let new = ui.add_enabled(
                    !state.busy,
                    widgets::primary_button(ui, &tr.t("gui-book-new")),
                );
                if new.clicked() {
                    let at = localtime::to_millis(
                        state.date,
                        time::Time::from_hms(9, 0, 0).unwrap_or(time::Time::MIDNIGHT),
                    );
                    state.dialog = Some(Dialog::Book(BookForm::new(
                        tr,
                        state.date,
                        at,
                        state.clinician,
                    )));
                }
            });
        }
    });
    ui.horizontal(|ui| {
        let step = if state.week { 7 } else { 1 };
        if ui
            .button(format!("‹ {}", tr.t("gui-book-previous")))
            .clicked()
        {
            state.date -= Duration::days(step);
        }
        if ui.button(tr.t("gui-book-today")).clicked() {
            state.date = localtime::today();
        }
        if ui.button(format!("{} ›", tr.t("gui-book-next"))).clicked() {
            state.date += Duration::days(step);
        }
        ui.add_space(8.0);
        if state.date_shown != Some(state.date) {
            state.date_text = dermis_model::validate::format_date(state.date);
            state.date_shown = Some(state.date);
        }
        egui::Grid::new("book-date").num_columns(2).show(ui, |ui| {
            date_input::date_row(ui, tr, &tr.t("gui-book-go-to"), &mut state.date_text, &[]);
        });
        if let Ok(date) = Date::parse(
            &state.date_text,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) && date != state.date
        {
            state.date = date;
            state.date_shown = Some(date);
        }
        ui.add_space(8.0);
        let title = if first == last {
            day_title(tr, first)
        } else {
            format!("{} – {}", day_title(tr, first), day_title(tr, last))
        };
        ui.label(RichText::new(title).strong());
    });
}

/// "Mo 07.12.2026": the locale's short weekday name and its date.
pub(super) fn day_title(tr: &Tr, date: Date) -> String {
    format!(
        "{} {}",
        tr.t(&format!(
            "gui-weekday-{}",
            date.weekday().number_from_monday()
        )),
        tr.date(date)
    )
}

/// A time of day as the locale writes it, at the workstation's clock.
pub(super) fn clock(tr: &Tr, at: Millis) -> String {
    i18n::format_time(localtime::local(at).time(), tr.locale)
}

/// The person an appointment is for: the linked patient, else the booking's invitee.
pub(super) fn who(row: &AppointmentRow) -> String {
    row.patient_name
        .clone()
        .or_else(|| row.invitee_name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| row.title.clone())
}

/// PageUp / PageDown move a day (a week in the week view) when no input has the keyboard.
fn keys(ui: &Ui, state: &mut AppointmentsState) {
    if state.dialog.is_some() || ui.ctx().memory(|m| m.focused()).is_some() {
        return;
    }
    let step = if state.week { 7 } else { 1 };
    let (back, forward) = ui.input(|i| (i.key_pressed(Key::PageUp), i.key_pressed(Key::PageDown)));
    if back {
        state.date -= Duration::days(step);
    }
    if forward {
        state.date += Duration::days(step);
    }
}

/// Opens the chart of `patient`.
pub(super) fn open_chart(ctx: &mut Ctx<'_>, patient: &str) {
    if let Ok(id) = patient.parse::<PatientId>() {
        ctx.go(Nav::OpenPatient(id));
    }
}
