//! A date field for forms: it shows and reads the date as the user's language writes it
//! (`06.12.2026`, `06/12/2026`, `Dec 6, 2026`, or ISO `2026-12-06`), with a calendar
//! beside it. The form underneath keeps `YYYY-MM-DD` text, so validation, the model and
//! the command line see what they always saw: the conversion happens here, at the edge.
//! Text the field cannot read is passed on as typed, so the form's validation names the
//! field instead of the input being dropped.

use egui::{Id, Key, Popup, PopupCloseBehavior, Response, RichText, TextEdit, Ui};
use time::{Date, Duration, Month, Weekday};

use super::tr::Tr;
use super::widgets::{self, FIELD_WIDTH};
use crate::i18n::{self, Locale};

/// The years the calendar offers: four digits, as dates are read.
const MIN_YEAR: i32 = 1000;
const MAX_YEAR: i32 = 9999;

/// Width of a day's column in the calendar.
const DAY_WIDTH: f32 = 30.0;

/// What the text input shows, remembered between frames with the form value it stands for.
#[derive(Clone)]
struct Shown {
    text: String,
    /// The form value `text` was derived from or last wrote.
    value: String,
    locale: Locale,
}

/// The calendar's page while it is open.
#[derive(Clone, Copy)]
struct Page {
    /// The first day of the month shown.
    month: Date,
    /// The day the arrow keys move and Enter picks.
    cursor: Date,
    /// Whether the cursor's button should take the keyboard focus this frame.
    focus: bool,
}

/// A form row: `label`, then the date input and its calendar button, then `errors`.
/// `value` is the form's `YYYY-MM-DD` text. Returns the text input's response.
pub fn date_row(
    ui: &mut Ui,
    tr: &Tr,
    label: &str,
    value: &mut String,
    errors: &[String],
) -> Response {
    let id = ui.make_persistent_id(("date-input", label));
    widgets::edit_row(ui, label, errors, |ui| {
        ui.horizontal(|ui| {
            let response = text_input(ui, tr, id, value);
            calendar_button(ui, tr, id, value);
            response
        })
        .inner
    })
    .on_hover_text(tr.t_args(
        "gui-date-hint",
        &[
            ("example", tr.date(EXAMPLE).into()),
            ("iso", dermis_model::validate::format_date(EXAMPLE).into()),
        ],
    ))
}

/// The date the hint and the empty field show as an example: day and month both
/// above 12, so it also shows their order.
const EXAMPLE: Date = time::macros::date!(2026 - 12 - 31);

fn text_input(ui: &mut Ui, tr: &Tr, id: Id, value: &mut String) -> Response {
    let mut shown = ui
        .data(|d| d.get_temp::<Shown>(id))
        .filter(|s| s.value == *value && s.locale == tr.locale)
        .unwrap_or_else(|| Shown {
            text: tr.stored_date(value),
            value: value.clone(),
            locale: tr.locale,
        });
    let response = ui.add(
        TextEdit::singleline(&mut shown.text)
            .id(id.with("text"))
            .hint_text(tr.date(EXAMPLE))
            .desired_width(FIELD_WIDTH - 40.0),
    );
    if response.changed() {
        *value = to_stored(&shown.text, tr.locale);
        shown.value = value.clone();
    }
    if response.lost_focus() {
        // A readable date is rewritten the locale's own way (`5.3.1984` → `05.03.1984`).
        shown.text = tr.stored_date(value);
    }
    ui.data_mut(|d| d.insert_temp(id, shown));
    response
}

/// The form value for what was typed: ISO for a date the locale reads, else the text.
fn to_stored(text: &str, locale: Locale) -> String {
    match i18n::parse_date(text, locale) {
        Some(date) => dermis_model::validate::format_date(date),
        None => text.to_owned(),
    }
}

fn calendar_button(ui: &mut Ui, tr: &Tr, id: Id, value: &mut String) {
    let name = tr.t("gui-date-calendar");
    let button = ui
        .add(egui::Button::new("").min_size(egui::vec2(28.0, 22.0)))
        .on_hover_text(&name);
    paint_calendar_icon(ui, &button);
    let enabled = ui.is_enabled();
    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &name));
    let popup_id = id.with("calendar");
    if !Popup::is_id_open(ui.ctx(), popup_id) {
        ui.data_mut(|d| d.remove::<Page>(popup_id));
    }
    Popup::from_toggle_button_response(&button)
        .id(popup_id)
        .close_behavior(PopupCloseBehavior::CloseOnClickOutside)
        .accessible_name(name)
        .show(|ui| {
            let today = crate::node::today();
            let mut page = ui
                .data(|d| d.get_temp::<Page>(popup_id))
                .unwrap_or_else(|| {
                    let start = dermis_model::validate::parse_stored_date(value).unwrap_or(today);
                    Page {
                        month: first_of_month(start),
                        cursor: start,
                        focus: true,
                    }
                });
            let selected = dermis_model::validate::parse_stored_date(value);
            if let Some(picked) = calendar_ui(ui, tr, &mut page, selected, today) {
                *value = dermis_model::validate::format_date(picked);
                Popup::close_id(ui.ctx(), popup_id);
            }
            ui.data_mut(|d| d.insert_temp(popup_id, page));
        });
}

/// A small calendar page drawn in the button (the bundled fonts have no such glyph).
fn paint_calendar_icon(ui: &Ui, button: &Response) {
    let color = ui.style().interact(button).fg_stroke.color;
    let stroke = egui::Stroke::new(1.2, color);
    let page = egui::Rect::from_center_size(button.rect.center(), egui::vec2(14.0, 12.0));
    let painter = ui.painter();
    painter.rect_stroke(page, 1.5, stroke, egui::StrokeKind::Inside);
    let header = egui::Rect::from_min_max(page.min, egui::pos2(page.max.x, page.min.y + 3.5));
    painter.rect_filled(header, 1.5, color);
    for x in [page.min.x + 4.0, page.max.x - 4.0] {
        painter.line_segment(
            [
                egui::pos2(x, page.min.y - 2.0),
                egui::pos2(x, page.min.y + 1.0),
            ],
            stroke,
        );
    }
    for row in 0..2 {
        for column in 0..3 {
            let center = egui::pos2(
                page.min.x + 3.5 + 3.5 * column as f32,
                page.min.y + 6.5 + 3.0 * row as f32,
            );
            painter.circle_filled(center, 0.9, color);
        }
    }
}

/// One month's grid with its navigation; returns the day picked, if any.
fn calendar_ui(
    ui: &mut Ui,
    tr: &Tr,
    page: &mut Page,
    selected: Option<Date>,
    today: Date,
) -> Option<Date> {
    move_cursor_by_keys(ui, page);
    ui.horizontal(|ui| {
        let nav = |ui: &mut Ui, text: &str, id: &str| {
            let name = tr.t(id);
            let response = ui.button(text).on_hover_text(&name);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
            response.clicked()
        };
        if nav(ui, "«", "gui-date-previous-year") {
            page.month = add_months(page.month, -12);
        }
        if nav(ui, "‹", "gui-date-previous-month") {
            page.month = add_months(page.month, -1);
        }
        let month = tr.t(&format!("gui-month-{}", u8::from(page.month.month())));
        ui.add_sized(
            [96.0, 20.0],
            egui::Label::new(RichText::new(month).strong()),
        );
        year_input(ui, tr, page);
        if nav(ui, "›", "gui-date-next-month") {
            page.month = add_months(page.month, 1);
        }
        if nav(ui, "»", "gui-date-next-year") {
            page.month = add_months(page.month, 12);
        }
    });
    if first_of_month(page.cursor) != page.month {
        page.cursor = page.month;
    }
    let first = i18n::first_weekday(tr.locale);
    let mut picked = None;
    egui::Grid::new("calendar-days")
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            let mut weekday = first;
            for _ in 0..7 {
                let name = tr.t(&format!("gui-weekday-{}", weekday.number_from_monday()));
                ui.add_sized(
                    [DAY_WIDTH, 16.0],
                    egui::Label::new(RichText::new(name).small().weak()),
                );
                weekday = weekday.next();
            }
            ui.end_row();
            for week in month_weeks(page.month, first) {
                for day in week {
                    match day {
                        Some(day) => {
                            if day_button(ui, tr, day, page, selected, today) {
                                picked = Some(day);
                            }
                        }
                        None => {
                            ui.label("");
                        }
                    }
                }
                ui.end_row();
            }
        });
    page.focus = false;
    ui.separator();
    if ui.button(tr.t("gui-date-today")).clicked() {
        picked = Some(today);
    }
    picked
}

fn day_button(
    ui: &mut Ui,
    tr: &Tr,
    day: Date,
    page: &Page,
    selected: Option<Date>,
    today: Date,
) -> bool {
    let mut text = RichText::new(day.day().to_string());
    if day == today {
        text = text.strong().underline();
    }
    let mut button =
        egui::Button::selectable(Some(day) == selected, text).min_size(egui::vec2(DAY_WIDTH, 24.0));
    if day == today {
        button = button.stroke(ui.visuals().selection.stroke);
    }
    let response = ui.add(button);
    let name = tr.date(day);
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::Button, true, Some(day) == selected, &name)
    });
    if page.focus && day == page.cursor {
        response.request_focus();
    }
    response.clicked()
}

/// The shown year as a number to type into (a birth date is decades away from today),
/// or to drag.
fn year_input(ui: &mut Ui, tr: &Tr, page: &mut Page) {
    let mut year = page.month.year();
    let response = ui.add(
        egui::DragValue::new(&mut year)
            .range(MIN_YEAR..=MAX_YEAR)
            .speed(0.1),
    );
    let name = tr.t("gui-date-year");
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_label(name.clone()));
    let response = response.on_hover_text(name);
    if response.changed()
        && let Ok(month) = Date::from_calendar_date(year, page.month.month(), 1)
    {
        page.month = month;
    }
}

/// Arrow keys move the cursor a day or a week, Page Up and Page Down a month; the
/// cursor's button takes the focus, so Enter or Space picks it.
fn move_cursor_by_keys(ui: &Ui, page: &mut Page) {
    if ui.ctx().text_edit_focused() {
        // The year being typed gets the keys.
        return;
    }
    let step = ui.input_mut(|i| {
        [
            (Key::ArrowLeft, Step::Days(-1)),
            (Key::ArrowRight, Step::Days(1)),
            (Key::ArrowUp, Step::Days(-7)),
            (Key::ArrowDown, Step::Days(7)),
            (Key::PageUp, Step::Months(-1)),
            (Key::PageDown, Step::Months(1)),
        ]
        .into_iter()
        .find(|(key, _)| i.consume_key(egui::Modifiers::NONE, *key))
        .map(|(_, step)| step)
    });
    let Some(step) = step else {
        return;
    };
    let moved = match step {
        Step::Days(days) => page.cursor.checked_add(Duration::days(days)),
        Step::Months(months) => {
            let month = add_months(page.cursor, months);
            let last = month.month().length(month.year());
            Date::from_calendar_date(month.year(), month.month(), page.cursor.day().min(last)).ok()
        }
    };
    if let Some(cursor) = moved {
        page.cursor = cursor;
        page.month = first_of_month(cursor);
        page.focus = true;
    }
}

#[derive(Clone, Copy)]
enum Step {
    Days(i64),
    Months(i32),
}

fn first_of_month(date: Date) -> Date {
    date.replace_day(1).unwrap_or(date)
}

/// The first of the month `months` away from `date`'s month; `date` itself at the
/// ends of the calendar.
fn add_months(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .and_then(|m| Date::from_calendar_date(year, m, 1).ok())
        .unwrap_or(date)
}

/// The weeks of `month`'s month as rows of seven, starting on `first`; days of the
/// neighbouring months are `None`.
fn month_weeks(month: Date, first: Weekday) -> Vec<[Option<Date>; 7]> {
    let start = first_of_month(month);
    let offset =
        (7 + start.weekday().number_days_from_monday() - first.number_days_from_monday()) % 7;
    let mut weeks = Vec::new();
    let mut week = [None; 7];
    let mut column = usize::from(offset);
    let mut day = Some(start);
    while let Some(d) = day.filter(|d| d.month() == start.month()) {
        week[column] = Some(d);
        column += 1;
        if column == 7 {
            weeks.push(week);
            week = [None; 7];
            column = 0;
        }
        day = d.next_day();
    }
    if column > 0 {
        weeks.push(week);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_month_is_laid_out_from_the_locales_first_weekday() {
        // 1 December 2026 is a Tuesday.
        let monday = month_weeks(date!(2026 - 12 - 15), Weekday::Monday);
        assert_eq!(monday.len(), 5);
        assert_eq!(monday[0][0], None);
        assert_eq!(monday[0][1], Some(date!(2026 - 12 - 01)));
        assert_eq!(monday[4][3], Some(date!(2026 - 12 - 31)));
        assert_eq!(monday[4][4], None);
        let sunday = month_weeks(date!(2026 - 12 - 15), Weekday::Sunday);
        assert_eq!(sunday[0][2], Some(date!(2026 - 12 - 01)));
        // February 2026 starts on a Sunday and fills four rows exactly.
        let february = month_weeks(date!(2026 - 02 - 01), Weekday::Sunday);
        assert_eq!(february.len(), 4);
        assert_eq!(february[0][0], Some(date!(2026 - 02 - 01)));
        assert_eq!(february[3][6], Some(date!(2026 - 02 - 28)));
        let days: usize = month_weeks(date!(2024 - 02 - 10), Weekday::Monday)
            .iter()
            .map(|w| w.iter().flatten().count())
            .sum();
        assert_eq!(days, 29);
    }

    #[test]
    fn months_step_across_years() {
        assert_eq!(add_months(date!(2026 - 12 - 31), 1), date!(2027 - 01 - 01));
        assert_eq!(add_months(date!(2026 - 01 - 15), -1), date!(2025 - 12 - 01));
        assert_eq!(
            add_months(date!(2026 - 03 - 01), -12),
            date!(2025 - 03 - 01)
        );
        assert_eq!(add_months(date!(2026 - 03 - 01), 25), date!(2028 - 04 - 01));
    }

    #[test]
    fn typed_text_is_stored_as_iso_or_kept_as_typed() {
        assert_eq!(to_stored("05.03.1984", Locale::Ru), "1984-03-05");
        assert_eq!(to_stored("5/3/1984", Locale::Fr), "1984-03-05");
        assert_eq!(to_stored("Mar 5, 1984", Locale::En), "1984-03-05");
        assert_eq!(to_stored("1984-03-05", Locale::Hy), "1984-03-05");
        assert_eq!(to_stored("31.02.2026", Locale::Ru), "31.02.2026");
        assert_eq!(to_stored("", Locale::Uk), "");
    }
}
