//! The book's time grid: 08:00–20:00 in 15-minute slots, one column per clinician (the
//! day with every clinician), per day (the week) or one (a day of one clinician). Each
//! appointment is a block in its slots with the time, who, why and its status in words as
//! well as colour; clicking a block chooses it, clicking an empty slot books there.
//! Cancelled appointments leave the grid for a list under it, so their slots look free.

use dermis_model::appointment::AppointmentStatus;
use dermis_model::clinic::Permission;
use dermis_model::{Millis, UserId};
use egui::{Color32, FontId, Rect, Sense, Stroke, Ui, WidgetInfo, pos2, vec2};
use time::{Date, Duration, Time};

use super::dialogs::{BookForm, Dialog};
use super::drag::{Target, drag_ui};
use super::{AppointmentsState, clock, day_title, who};
use crate::gui::backend::{BookCommand, BookData};
use crate::gui::screens::Ctx;
use crate::gui::theme;
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::i18n::message_id;
use crate::localtime;
use crate::store::queries::AppointmentRow;

/// The hours the grid shows; appointments outside them are drawn at its edge.
pub(super) const FIRST_HOUR: i64 = 8;
pub(super) const LAST_HOUR: i64 = 20;
pub(super) const SLOT_MINUTES: i64 = 15;
pub(super) const SLOT_HEIGHT: f32 = 20.0;
const GUTTER: f32 = 58.0;
const HEADER: f32 = 28.0;
const MIN_COLUMN: f32 = 160.0;

/// One column of the grid.
struct Column<'d> {
    title: String,
    date: Date,
    /// Who a booking made in this column is with.
    clinician: Option<UserId>,
    rows: Vec<&'d AppointmentRow>,
    /// The week's day headers open that day.
    opens_day: bool,
}

fn columns<'d>(
    state: &AppointmentsState,
    data: &'d BookData,
    tr: &Tr,
    first: Date,
    last: Date,
) -> Vec<Column<'d>> {
    let on = |date: Date, r: &&AppointmentRow| {
        localtime::local(r.start).date() == date && r.status != AppointmentStatus::Canceled.as_str()
    };
    let with = |c: Option<UserId>, r: &&AppointmentRow| match c {
        None => true,
        Some(c) => r.clinician_id.as_deref() == Some(c.to_string().as_str()),
    };
    if first != last {
        let mut out = Vec::new();
        let mut date = first;
        while date <= last {
            out.push(Column {
                title: day_title(tr, date),
                date,
                clinician: state.clinician,
                rows: data
                    .rows
                    .iter()
                    .filter(|r| on(date, r) && with(state.clinician, r))
                    .collect(),
                opens_day: true,
            });
            date += Duration::days(1);
        }
        return out;
    }
    let known: Vec<String> = data.clinicians.iter().map(|c| c.id.to_string()).collect();
    let mut out: Vec<Column<'d>> = data
        .clinicians
        .iter()
        .filter(|c| state.clinician.is_none_or(|wanted| wanted == c.id))
        .map(|c| Column {
            title: c.name.clone(),
            date: first,
            clinician: Some(c.id),
            rows: data
                .rows
                .iter()
                .filter(|r| on(first, r) && with(Some(c.id), r))
                .collect(),
            opens_day: false,
        })
        .collect();
    if state.clinician.is_none() {
        // Bookings with no clinician yet (Calendly's, the first release's) get their own
        // column rather than vanish.
        let orphans: Vec<&AppointmentRow> = data
            .rows
            .iter()
            .filter(|r| on(first, r) && r.clinician_id.as_ref().is_none_or(|c| !known.contains(c)))
            .collect();
        if !orphans.is_empty() || out.is_empty() {
            out.push(Column {
                title: tr.t("gui-book-unassigned"),
                date: first,
                clinician: None,
                rows: orphans,
                opens_day: false,
            });
        }
    }
    out
}

pub(super) fn grid_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    data: &BookData,
    ctx: &mut Ctx<'_>,
    first: Date,
    last: Date,
) {
    let tr = ctx.tr;
    let columns = columns(state, data, tr, first, last);
    let may_book = ctx.can(Permission::ManageAppointments);
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let n = columns.len().max(1) as f32;
            let least = if first == last {
                MIN_COLUMN
            } else {
                MIN_COLUMN * 0.75
            };
            let width = ((ui.available_width() - GUTTER) / n).max(least);
            let slots = (LAST_HOUR - FIRST_HOUR) * 60 / SLOT_MINUTES;
            let height = HEADER + slots as f32 * SLOT_HEIGHT;
            let (rect, _) =
                ui.allocate_exact_size(vec2(GUTTER + width * n, height), Sense::hover());
            draw_lines(ui, rect, tr);
            let today = localtime::today();
            let targets: Vec<Target> = columns
                .iter()
                .enumerate()
                .map(|(i, column)| Target {
                    body: Rect::from_min_max(
                        pos2(rect.left() + GUTTER + width * i as f32, rect.top() + HEADER),
                        pos2(rect.left() + GUTTER + width * (i + 1) as f32, rect.bottom()),
                    ),
                    date: column.date,
                    clinician: column.clinician,
                })
                .collect();
            let mut moves = Vec::new();
            for (i, column) in columns.iter().enumerate() {
                let left = rect.left() + GUTTER + width * i as f32;
                let body = Rect::from_min_max(
                    pos2(left, rect.top() + HEADER),
                    pos2(left + width, rect.bottom()),
                );
                header_ui(
                    ui,
                    state,
                    column,
                    Rect::from_min_size(pos2(left, rect.top()), vec2(width, HEADER)),
                );
                ui.painter().vline(
                    left,
                    rect.y_range(),
                    Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
                );
                if may_book {
                    let slot = ui.interact(body, ui.scope_id().with(("slot", i)), Sense::click());
                    if slot.clicked()
                        && !state.busy
                        && let Some(pos) = slot.interact_pointer_pos()
                    {
                        let minutes = FIRST_HOUR * 60
                            + ((pos.y - body.top()) / SLOT_HEIGHT).floor() as i64 * SLOT_MINUTES;
                        let at = localtime::to_millis(
                            column.date,
                            Time::from_hms((minutes / 60) as u8, (minutes % 60) as u8, 0)
                                .unwrap_or(Time::MIDNIGHT),
                        );
                        state.dialog = Some(Dialog::Book(BookForm::new(
                            tr,
                            column.date,
                            at,
                            column.clinician.or(state.clinician),
                        )));
                    }
                }
                let now = dermis_model::now_millis();
                let now_minutes = {
                    let t = localtime::local(now).time();
                    i64::from(t.hour()) * 60 + i64::from(t.minute())
                };
                if column.date == today && (FIRST_HOUR * 60..LAST_HOUR * 60).contains(&now_minutes)
                {
                    let y = y_of(body, now);
                    ui.painter().hline(
                        body.x_range(),
                        y,
                        Stroke::new(2.0, ui.visuals().error_fg_color),
                    );
                }
                moves.extend(blocks_ui(
                    ui,
                    state,
                    column,
                    body,
                    tr,
                    may_book.then_some(&targets[..]),
                ));
            }
            if !state.busy
                && let Some(command) = moves.into_iter().next()
            {
                state.send(ctx, command);
            }
            ui.add_space(8.0);
            cancelled_ui(ui, state, data, tr, first, last);
        });
}

fn header_ui(ui: &mut Ui, state: &mut AppointmentsState, column: &Column<'_>, rect: Rect) {
    let title = format!("{} ({})", column.title, column.rows.len());
    if column.opens_day {
        let strong = column.date == localtime::today();
        let text = if strong {
            egui::RichText::new(title).strong()
        } else {
            egui::RichText::new(title)
        };
        if ui
            .put(rect.shrink(2.0), egui::Button::new(text).frame(false))
            .clicked()
        {
            state.date = column.date;
            state.week = false;
        }
    } else {
        ui.put(
            rect.shrink(2.0),
            egui::Label::new(egui::RichText::new(title).strong()).truncate(),
        );
    }
}

/// Hour and quarter lines across the grid, and the hours in the gutter.
fn draw_lines(ui: &Ui, rect: Rect, tr: &Tr) {
    let painter = ui.painter();
    let visuals = ui.visuals();
    let hour = Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color);
    let quarter = Stroke::new(1.0, theme::blend(visuals.panel_fill, hour.color, 0.35));
    let slots = (LAST_HOUR - FIRST_HOUR) * 60 / SLOT_MINUTES;
    for slot in 0..=slots {
        let y = rect.top() + HEADER + slot as f32 * SLOT_HEIGHT;
        let on_hour = (slot * SLOT_MINUTES) % 60 == 0;
        painter.hline(
            rect.left() + if on_hour { 0.0 } else { GUTTER }..=rect.right(),
            y,
            if on_hour { hour } else { quarter },
        );
        if on_hour && slot < slots {
            let h = FIRST_HOUR + slot * SLOT_MINUTES / 60;
            let text = crate::i18n::format_time(
                Time::from_hms(h as u8, 0, 0).unwrap_or(Time::MIDNIGHT),
                tr.locale,
            );
            painter.text(
                pos2(rect.left() + 4.0, y + 2.0),
                egui::Align2::LEFT_TOP,
                text,
                FontId::proportional(12.0),
                visuals.weak_text_color(),
            );
        }
    }
}

fn y_of(body: Rect, at: Millis) -> f32 {
    let t = localtime::local(at).time();
    let minutes = i64::from(t.hour()) * 60 + i64::from(t.minute()) - FIRST_HOUR * 60;
    let y = body.top() + minutes as f32 / SLOT_MINUTES as f32 * SLOT_HEIGHT;
    y.clamp(body.top(), body.bottom())
}

/// The colour that goes with a status (always beside its name, never alone).
pub(super) fn status_color(ui: &Ui, status: &str) -> Color32 {
    let v = ui.visuals();
    match AppointmentStatus::parse(status) {
        Some(AppointmentStatus::CheckedIn) => widgets::ok_color(ui),
        Some(AppointmentStatus::Completed) => v.weak_text_color(),
        Some(AppointmentStatus::NoShow) => widgets::warn_color(ui),
        Some(AppointmentStatus::Canceled) => v.error_fg_color,
        _ => theme::accent(v.dark_mode),
    }
}

/// The status in the user's words.
pub(super) fn status_text(tr: &Tr, status: &str) -> String {
    tr.t(&message_id("gui-appointment", status))
}

/// Draws a column's blocks; the move asked for by dropping one, if any.
fn blocks_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    column: &Column<'_>,
    body: Rect,
    tr: &Tr,
    targets: Option<&[Target]>,
) -> Option<BookCommand> {
    // Appointments that overlap share the column side by side, each in the first lane
    // free; a group of overlapping ones splits the width, the others keep all of it.
    let mut rows = column.rows.clone();
    rows.sort_by_key(|r| (r.start, r.end));
    let mut placed: Vec<(usize, usize)> = Vec::with_capacity(rows.len());
    let mut group_start = 0;
    let mut group_end: Millis = Millis::MIN;
    let mut lane_ends: Vec<Millis> = Vec::new();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.start >= group_end && i > 0 {
            groups.push((group_start, lane_ends.len()));
            group_start = i;
            lane_ends.clear();
        }
        let lane = match lane_ends.iter().position(|end| *end <= r.start) {
            Some(free) => free,
            None => {
                lane_ends.push(0);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = r.end;
        group_end = if i == group_start {
            r.end
        } else {
            group_end.max(r.end)
        };
        placed.push((lane, groups.len()));
    }
    groups.push((group_start, lane_ends.len()));
    let mut dropped = None;
    for (r, (lane, group)) in rows.iter().zip(placed) {
        let lanes = groups.get(group).map_or(1, |g| g.1.max(1));
        let lane_width = (body.width() - 6.0) / lanes as f32;
        let top = y_of(body, r.start);
        let bottom = y_of(body, r.end).max(top + SLOT_HEIGHT);
        let left = body.left() + 3.0 + lane_width * lane as f32;
        let rect = Rect::from_min_max(
            pos2(left, top + 1.0),
            pos2(left + lane_width - 2.0, bottom - 1.0),
        );
        dropped = block_ui(ui, state, r, rect, tr, targets).or(dropped);
    }
    dropped
}

fn block_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    row: &AppointmentRow,
    rect: Rect,
    tr: &Tr,
    targets: Option<&[Target]>,
) -> Option<BookCommand> {
    let status = status_text(tr, &row.status);
    let full = format!(
        "{}–{} {}",
        clock(tr, row.start),
        clock(tr, row.end),
        who(row)
    );
    // A narrow block (the week) starts with the start time and the name.
    let line1 = if rect.width() < 200.0 {
        format!("{} {}", clock(tr, row.start), who(row))
    } else {
        full.clone()
    };
    let mut line2 = status.clone();
    if !row.title.trim().is_empty() {
        line2 = format!("{} · {status}", row.title);
    }
    if row.source == "calendly" && row.patient_id.is_none() {
        line2 = format!("{line2} · {}", tr.t("gui-book-unlinked-short"));
    }
    let label = format!("{full}\n{line2}");
    let movable = matches!(
        AppointmentStatus::parse(&row.status),
        Some(AppointmentStatus::Scheduled | AppointmentStatus::CheckedIn)
    );
    let targets = targets.filter(|_| movable);
    let sense = if targets.is_some() {
        Sense::click_and_drag()
    } else {
        Sense::click()
    };
    let response = ui.interact(rect, ui.scope_id().with(("appointment", &row.id)), sense);
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, true, &label));
    let response = response.on_hover_text(&label);
    let visuals = ui.visuals();
    let color = status_color(ui, &row.status);
    let chosen = state.selected.map(|s| s.to_string()).as_deref() == Some(row.id.as_str());
    let fill = theme::blend(visuals.panel_fill, color, if chosen { 0.30 } else { 0.16 });
    let stroke_width = if chosen || response.has_focus() {
        2.5
    } else {
        1.0
    };
    let painter = ui.painter();
    painter.rect(
        rect,
        4.0,
        fill,
        Stroke::new(stroke_width, color),
        egui::StrokeKind::Inside,
    );
    painter.rect_filled(
        Rect::from_min_size(rect.min, vec2(4.0, rect.height())),
        2.0,
        color,
    );
    let clip = ui.painter_at(rect.shrink(2.0));
    let text = visuals.text_color();
    if rect.height() < 2.0 * SLOT_HEIGHT - 4.0 {
        // A short appointment: everything on one line, cut at the block's edge.
        let line = clip.layout_no_wrap(
            format!("{line1} · {line2}"),
            FontId::proportional(12.0),
            text,
        );
        let top = rect.center().y - line.size().y / 2.0;
        clip.galley(pos2(rect.left() + 8.0, top), line, text);
        if response.clicked() {
            state.select(row.id.parse().ok());
        }
        return targets.and_then(|t| drag_ui(ui, tr, &response, rect, row, t));
    }
    // Lines are cut at the block's edge rather than wrapped: a narrow week column still
    // shows the start and the name on the first line.
    let first = clip.layout_no_wrap(line1, FontId::proportional(13.0), text);
    let first_height = first.size().y;
    clip.galley(pos2(rect.left() + 8.0, rect.top() + 2.0), first, text);
    let second = clip.layout_no_wrap(line2, FontId::proportional(12.0), text);
    clip.galley(
        pos2(rect.left() + 8.0, rect.top() + 2.0 + first_height),
        second,
        text,
    );
    if response.clicked() {
        state.select(row.id.parse().ok());
    }
    targets.and_then(|t| drag_ui(ui, tr, &response, rect, row, t))
}

/// The cancelled appointments of the days shown, with why.
fn cancelled_ui(
    ui: &mut Ui,
    state: &mut AppointmentsState,
    data: &BookData,
    tr: &Tr,
    first: Date,
    last: Date,
) {
    let cancelled: Vec<&AppointmentRow> = data
        .rows
        .iter()
        .filter(|r| {
            let day = localtime::local(r.start).date();
            r.status == AppointmentStatus::Canceled.as_str()
                && day >= first
                && day <= last
                && state
                    .clinician
                    .is_none_or(|c| r.clinician_id.as_deref() == Some(c.to_string().as_str()))
        })
        .collect();
    if cancelled.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(tr.count("gui-book-cancelled", cancelled.len() as i64))
        .id_salt("book-cancelled")
        .show(ui, |ui| {
            egui::Grid::new("book-cancelled-rows")
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
                    for r in cancelled {
                        ui.label(format!(
                            "{} {}",
                            day_title(tr, localtime::local(r.start).date()),
                            clock(tr, r.start)
                        ));
                        if ui.link(who(r)).clicked() {
                            state.select(r.id.parse().ok());
                        }
                        match r.cancel_reason.as_deref() {
                            Some(reason) => {
                                ui.label(format!("{} — {reason}", status_text(tr, &r.status)))
                            }
                            None => ui.label(status_text(tr, &r.status)),
                        };
                        ui.end_row();
                    }
                });
        });
}
