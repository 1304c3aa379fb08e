//! The chosen appointment beside the grid: when, with whom, why, its status, and the
//! actions its status allows (check in, no-show, move, cancel; once checked in, the chart
//! and a visit). A Calendly booking not yet linked shows its invitee and the patients
//! with the same email or phone, each with a Link button, a search for another patient
//! and the registration of a new one from the invitee's details.

use dermis_model::appointment::AppointmentStatus;
use dermis_model::clinic::Permission;
use dermis_model::patient::PatientForm;
use dermis_model::{AppointmentId, PatientId};
use egui::{RichText, Ui};

use super::dialogs::{BookForm, CancelForm, Dialog};
use super::grid::{status_color, status_text};
use super::{AppointmentsState, PatientSearch, clock, day_title, open_chart, who};
use crate::gui::backend::{BookCommand, BookData, Command};
use crate::gui::screens::{Ctx, Nav};
use crate::gui::widgets;
use crate::localtime;
use crate::store::queries::{AppointmentRow, PatientRow};

pub(super) fn panel_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    data: &BookData,
    ctx: &mut Ctx<'_>,
) {
    let Some(row) = state.selected_row_in(data).cloned() else {
        return;
    };
    let Ok(id) = row.id.parse::<AppointmentId>() else {
        return;
    };
    let tr = ctx.tr;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(who(&row));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("×")
                    .on_hover_text(tr.t("gui-book-close"))
                    .clicked()
                {
                    state.select(None);
                }
            });
        });
        if let Some(mrn) = &row.patient_mrn {
            ui.weak(mrn);
        }
        let status = AppointmentStatus::parse(&row.status).unwrap_or(AppointmentStatus::Scheduled);
        let color = status_color(ui, &row.status);
        widgets::badge(ui, &status_text(tr, &row.status), color);
        ui.add_space(4.0);
        egui::Grid::new("appointment-facts")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label(tr.t("gui-book-date"));
                ui.label(day_title(tr, localtime::local(row.start).date()));
                ui.end_row();
                ui.label(tr.t("gui-col-time"));
                ui.label(format!("{}–{}", clock(tr, row.start), clock(tr, row.end)));
                ui.end_row();
                ui.label(tr.t("field-clinician"));
                let clinician = row
                    .clinician_id
                    .as_deref()
                    .and_then(|c| data.clinicians.iter().find(|k| k.id.to_string() == c))
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| tr.t("gui-book-unassigned"));
                ui.label(clinician);
                ui.end_row();
                if !row.title.trim().is_empty() {
                    ui.label(tr.t("gui-book-reason"));
                    ui.label(&row.title);
                    ui.end_row();
                }
                if row.source == "calendly" {
                    ui.label(tr.t("gui-book-source"));
                    ui.label("Calendly");
                    ui.end_row();
                }
                if let Some(reason) = &row.cancel_reason {
                    ui.label(tr.t("gui-book-cancel-reason"));
                    ui.label(reason);
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
        if ctx.can(Permission::ManageAppointments) {
            actions_ui(ui, state, &row, id, status, ctx);
        }
        if let Some(patient) = &row.patient_id {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button(tr.t("gui-book-open-chart")).clicked() {
                    open_chart(ctx, patient);
                }
                if status == AppointmentStatus::CheckedIn
                    && ctx.can(Permission::EditClinical)
                    && ui.button(tr.t("gui-book-start-visit")).clicked()
                    && let Ok(patient) = patient.parse::<PatientId>()
                {
                    ctx.go(Nav::NewEncounter {
                        patient,
                        name: row.patient_name.clone().unwrap_or_default(),
                    });
                }
            });
        } else {
            ui.add_space(8.0);
            ui.separator();
            invitee_ui(ui, state, &row, id, ctx);
        }
    });
}

fn actions_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    row: &AppointmentRow,
    id: AppointmentId,
    status: AppointmentStatus,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    ui.horizontal_wrapped(|ui| {
        let idle = !state.busy;
        if status.may_become(AppointmentStatus::CheckedIn)
            && ui
                .add_enabled(
                    idle,
                    widgets::primary_button(ui, &tr.t("gui-book-check-in")),
                )
                .clicked()
        {
            state.send(
                ctx,
                BookCommand::SetStatus {
                    id,
                    status: AppointmentStatus::CheckedIn,
                },
            );
        }
        if status.may_become(AppointmentStatus::NoShow)
            && ui
                .add_enabled(idle, egui::Button::new(tr.t("gui-book-no-show")))
                .clicked()
        {
            state.send(
                ctx,
                BookCommand::SetStatus {
                    id,
                    status: AppointmentStatus::NoShow,
                },
            );
        }
        let movable = matches!(
            status,
            AppointmentStatus::Scheduled | AppointmentStatus::CheckedIn
        );
        if movable
            && ui
                .add_enabled(idle, egui::Button::new(tr.t("gui-book-move")))
                .clicked()
        {
            state.dialog = BookForm::moving(tr, row).map(Dialog::Book);
        }
        if status.may_become(AppointmentStatus::Canceled)
            && ui
                .add_enabled(idle, egui::Button::new(tr.t("gui-book-cancel")))
                .clicked()
        {
            state.dialog = CancelForm::new(tr, row).map(Dialog::Cancel);
        }
    });
}

/// The invitee of a booking no patient is linked to yet, and the ways to link one.
fn invitee_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    row: &AppointmentRow,
    id: AppointmentId,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    ui.strong(tr.t("gui-book-invitee"));
    ui.label(RichText::new(tr.t("gui-book-unlinked")).color(widgets::warn_color(ui)));
    egui::Grid::new("invitee").num_columns(2).show(ui, |ui| {
        for (label, value) in [
            ("field-first-name", row.invitee_name.as_deref()),
            ("field-email", row.invitee_email.as_deref()),
            ("field-phone", row.invitee_phone.as_deref()),
        ] {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                ui.label(if label == "field-first-name" {
                    tr.t("gui-book-invitee-name")
                } else {
                    tr.t(label)
                });
                ui.label(value);
                ui.end_row();
            }
        }
    });
    if !ctx.can(Permission::ManageAppointments) {
        return;
    }
    let asked = state.matches.as_ref().map(|(m, _)| *m);
    if asked != Some(id) {
        state.matches = Some((id, Vec::new()));
        ctx.send(Command::Book(BookCommand::Matches {
            id,
            email: row.invitee_email.clone(),
            phone: row.invitee_phone.clone(),
        }));
    }
    ui.add_space(6.0);
    ui.strong(tr.t("gui-book-matches"));
    let matches = state
        .matches
        .as_ref()
        .map(|(_, m)| m.clone())
        .unwrap_or_default();
    if matches.is_empty() {
        ui.weak(tr.t("gui-book-no-matches"));
    }
    for m in &matches {
        let why = match (m.email, m.phone) {
            (true, true) => format!(
                "{}, {}",
                tr.t("gui-book-match-email"),
                tr.t("gui-book-match-phone")
            ),
            (true, false) => tr.t("gui-book-match-email"),
            _ => tr.t("gui-book-match-phone"),
        };
        link_row_ui(ui, state, &m.patient, Some(&why), id, ctx);
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if ui.button(tr.t("gui-book-search-other")).clicked() {
            state.link_search = Some(PatientSearch::default());
        }
        if ctx.can(Permission::EditPatients) && ui.button(tr.t("gui-book-register")).clicked() {
            state.link_after_register = Some(id);
            ctx.go(Nav::RegisterPatient(Box::new(invitee_form(row))));
        }
    });
    if state.link_search.is_some() {
        link_search_ui(ui, state, id, ctx);
    }
}

fn link_row_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    patient: &PatientRow,
    why: Option<&str>,
    id: AppointmentId,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    ui.horizontal(|ui| {
        let linked = ui
            .add_enabled(!state.busy, egui::Button::new(tr.t("gui-book-link")))
            .clicked();
        ui.vertical(|ui| {
            ui.label(format!(
                "{} {} · {}",
                patient.last_name, patient.first_name, patient.mrn
            ));
            let mut details: Vec<String> = Vec::new();
            if let Some(birth) = &patient.birth_date {
                details.push(tr.stored_date(birth));
            }
            if let Some(why) = why {
                details.push(why.to_owned());
            }
            if !details.is_empty() {
                ui.weak(details.join(" · "));
            }
        });
        if linked && let Ok(patient) = patient.id.parse::<PatientId>() {
            state.send(ctx, BookCommand::Link { id, patient });
        }
    });
}

fn link_search_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    id: AppointmentId,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    let Some(search) = &mut state.link_search else {
        return;
    };
    let response = widgets::labelled_input(
        ui,
        &tr.t("gui-book-find-patient"),
        "",
        &mut search.query,
        200.0,
    );
    if search.sent.is_none() {
        response.request_focus();
    }
    let mut send = None;
    if search.sent.as_deref() != Some(search.query.as_str()) {
        search.sent = Some(search.query.clone());
        send = Some(search.query.clone());
    }
    let rows = search.rows.clone();
    if let Some(query) = send {
        state.generation += 1;
        let generation = state.generation;
        if let Some(search) = &mut state.link_search {
            search.generation = generation;
        }
        ctx.send(Command::Book(BookCommand::FindPatients {
            generation,
            query,
        }));
    }
    for row in rows.iter().take(8) {
        link_row_ui(ui, state, row, None, id, ctx);
    }
}

/// A new patient's form filled from what the invitee gave Calendly.
fn invitee_form(row: &AppointmentRow) -> PatientForm {
    let name = row.invitee_name.clone().unwrap_or_default();
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or_default().to_owned();
    let last = words.collect::<Vec<_>>().join(" ");
    PatientForm {
        first_name: first,
        last_name: last,
        sex: "unknown".into(),
        phones: row.invitee_phone.iter().cloned().collect(),
        email: row.invitee_email.clone().unwrap_or_default(),
        ..PatientForm::default()
    }
}
