//! The dashboard: today's appointments, recently changed patients, and the sync state
//! at a glance.

use dermis_model::PatientId;
use dermis_model::clinic::Permission;
use egui::Ui;

use super::{Ctx, Nav, Screen, now};
use crate::gui::backend::{DashboardData, SyncSummary};
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::i18n::message_id;
use crate::store::queries::DraftRow;

#[derive(Debug, Default)]
pub struct DashboardState {
    pub data: Option<DashboardData>,
}

pub fn dashboard_ui(ui: &mut Ui, state: &DashboardState, ctx: &mut Ctx<'_>) {
    ui.heading(ctx.t("gui-dashboard-title"));
    ui.add_space(6.0);
    let Some(data) = &state.data else {
        ui.spinner();
        return;
    };
    ui.columns(2, |columns| {
        let [left, right] = columns else { return };
        widgets::section(left, &ctx.t("gui-dashboard-today"), |ui| {
            appointments_ui(ui, data, ctx);
        });
        left.add_space(8.0);
        widgets::section(left, &ctx.t("gui-dashboard-recent"), |ui| {
            recent_ui(ui, data, ctx);
        });
        widgets::section(right, &ctx.t("gui-nav-sync"), |ui| {
            sync_summary_ui(ui, &data.sync, ctx.tr);
            if ui.button(ctx.t("gui-dashboard-open-sync")).clicked() {
                ctx.go(Nav::Show(Screen::Sync));
            }
        });
        right.add_space(8.0);
        widgets::section(right, &ctx.t("gui-dashboard-attention"), |ui| {
            attention_ui(ui, data, ctx);
        });
    });
}

fn appointments_ui(ui: &mut Ui, data: &DashboardData, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    if data.appointments.is_empty() {
        ui.weak(tr.t("gui-dashboard-no-appointments"));
        return;
    }
    egui::Grid::new("today")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            widgets::header_row(
                ui,
                &[
                    tr.t("gui-col-time"),
                    tr.t("gui-col-patient"),
                    tr.t("gui-col-status"),
                ],
            );
            for a in &data.appointments {
                // Local time, as the appointment book shows it.
                let clock =
                    |at| crate::i18n::format_time(crate::localtime::local(at).time(), tr.locale);
                ui.label(format!("{} – {}", clock(a.start), clock(a.end)));
                let who = a
                    .patient_name
                    .clone()
                    .or_else(|| a.invitee_name.clone())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| a.title.clone());
                if ui.link(who).clicked()
                    && let Ok(id) = a.id.parse()
                {
                    ctx.go(Nav::ShowAppointment { id, at: a.start });
                }
                ui.label(tr.t(&message_id("gui-appointment", &a.status)));
                ui.end_row();
            }
        });
    if ui.button(tr.t("gui-book-open")).clicked() {
        ctx.go(Nav::Show(Screen::Appointments));
    }
}

fn recent_ui(ui: &mut Ui, data: &DashboardData, ctx: &mut Ctx<'_>) {
    if data.recent.is_empty() {
        ui.weak(ctx.t("gui-patients-none"));
        return;
    }
    for p in &data.recent {
        ui.horizontal(|ui| {
            let name = format!("{} {}", p.last_name, p.first_name);
            if ui.link(name).clicked()
                && let Ok(id) = p.id.parse::<PatientId>()
            {
                ctx.go(Nav::OpenPatient(id));
            }
            ui.weak(&p.mrn);
            if ctx.can(Permission::ViewClinical) && p.allergy_count > 0 {
                widgets::badge(ui, &ctx.t("field-allergies"), ui.visuals().error_fg_color);
            }
        });
    }
}

/// Online or not, what waits for the hub and since when: shared with the sync panel.
pub fn sync_summary_ui(ui: &mut Ui, sync: &SyncSummary, tr: &Tr) {
    ui.horizontal(|ui| {
        let (text, color) = if !sync.state.has_hub() {
            (tr.t("gui-sync-no-hub"), ui.visuals().weak_text_color())
        } else if widgets::sync_stale(ui, &sync.state) {
            (tr.t("gui-sync-stale"), widgets::warn_color(ui))
        } else if sync.state.online == Some(true) {
            (tr.t("gui-sync-online"), widgets::ok_color(ui))
        } else {
            (tr.t("gui-sync-offline"), widgets::warn_color(ui))
        };
        widgets::badge(ui, &text, color);
    });
    if sync.outbox.count == 0 {
        ui.label(tr.t("gui-sync-all-sent"));
    } else {
        ui.label(tr.count("changes-pending", sync.outbox.count));
        if let Some(oldest) = sync.outbox.oldest_at {
            ui.label(tr.t_args("gui-sync-oldest", &[("age", tr.age(oldest, now()).into())]));
        }
    }
    if sync.photos.pending > 0 {
        // Whole megabytes, rounded up: a photo never shows as 0 MB.
        let mb = (sync.photos.pending_bytes.max(1) + 999_999) / 1_000_000;
        ui.label(tr.t_args(
            "gui-sync-photos-pending",
            &[
                ("count", sync.photos.pending.into()),
                ("mb", tr.int(mb).into()),
            ],
        ));
    }
    if sync.photos.failed > 0 {
        widgets::error_line(ui, &tr.count("gui-sync-photos-failed", sync.photos.failed));
    }
    if !sync.refused.is_empty() {
        widgets::error_line(ui, &tr.count("gui-sync-refused", sync.refused.len() as i64));
        for refused in &sync.refused {
            ui.label(
                egui::RichText::new(format!(
                    "{} {}: {}",
                    tr.t(&message_id("gui-doc", &refused.doc_type)),
                    refused.label.as_deref().unwrap_or(&refused.doc_id),
                    refused.reason
                ))
                .small()
                .weak(),
            );
        }
    }
    match sync.state.last_sync_at {
        Some(at) => ui.label(tr.t_args("gui-sync-last", &[("when", tr.datetime(at).into())])),
        None => ui.label(tr.t("gui-sync-never")),
    };
}

fn attention_ui(ui: &mut Ui, data: &DashboardData, ctx: &mut Ctx<'_>) {
    let mut any = false;
    if data.conflicts > 0 {
        any = true;
        if ui
            .link(
                ctx.tr
                    .count("gui-dashboard-conflicts", data.conflicts as i64),
            )
            .clicked()
        {
            ctx.go(Nav::Show(Screen::Conflicts));
        }
    }
    if data.low_stock > 0 {
        any = true;
        if ui
            .link(
                ctx.tr
                    .count("gui-dashboard-low-stock", data.low_stock as i64),
            )
            .clicked()
        {
            ctx.go(Nav::Show(Screen::Products));
        }
    }
    if !data.drafts.is_empty() {
        any = true;
        ui.label(
            ctx.tr
                .count("gui-dashboard-drafts", data.drafts.len() as i64),
        );
        drafts_ui(ui, &data.drafts, ctx);
    }
    if !any {
        ui.weak(ctx.t("gui-dashboard-all-clear"));
    }
}

/// The unsigned visits, in columns that fit the section at any window width and in every
/// language: the date as wide as it is, the clinician at most a third of the row, the
/// visit (a link to it) what is left. A text cut short shows whole on hover.
fn drafts_ui(ui: &mut Ui, drafts: &[DraftRow], ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let dates: Vec<String> = drafts.iter().map(|d| tr.stored_date(&d.date)).collect();
    let visits: Vec<String> = drafts
        .iter()
        .map(|d| format!("{} — {}", d.patient_name, d.complaint))
        .collect();
    let titles = [
        tr.t("field-date"),
        tr.t("gui-col-visit"),
        tr.t("field-clinician"),
    ];
    let room = (ui.available_width() - 2.0 * ui.spacing().item_spacing.x).max(0.0);
    let third = room / 3.0;
    let date = widgets::column_width(ui, &titles[0], dates.iter().map(String::as_str), 0.0, third);
    let clinician = widgets::column_width(
        ui,
        &titles[2],
        drafts.iter().map(|d| d.clinician.as_str()),
        0.0,
        third,
    );
    let widths = [date, (room - date - clinician).max(0.0), clinician];
    let height = ui.spacing().interact_size.y;
    egui::Grid::new("drafts")
        .striped(true)
        .num_columns(3)
        .min_col_width(0.0)
        .show(ui, |ui| {
            for (title, width) in titles.iter().zip(widths) {
                widgets::cell(ui, width, height, |ui| widgets::header_label(ui, title));
            }
            ui.end_row();
            for ((d, date), visit) in drafts.iter().zip(&dates).zip(&visits) {
                widgets::cell(ui, widths[0], height, |ui| widgets::truncated(ui, date));
                widgets::cell(ui, widths[1], height, |ui| {
                    // A link does not cut itself short: the cell's wrap mode does it.
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    let mut link = ui.link(visit);
                    if widgets::text_width(ui, visit) > widths[1] {
                        link = link.on_hover_text(visit);
                    }
                    if link.clicked()
                        && let Ok(id) = d.id.parse()
                    {
                        ctx.go(Nav::OpenEncounter(id));
                    }
                });
                widgets::cell(ui, widths[2], height, |ui| {
                    widgets::truncated(ui, &d.clinician)
                });
                ui.end_row();
            }
        });
}
