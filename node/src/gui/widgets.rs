//! Small building blocks the screens share: labelled form rows whose inputs carry their
//! label for screen readers (and for tests that find them by it), error lines, badges.

use egui::{Color32, Response, RichText, TextEdit, Ui};

/// Width of single-line inputs in forms.
pub const FIELD_WIDTH: f32 = 280.0;

/// A text input named by the label drawn before it. Use inside a two-column grid.
pub fn text_row(ui: &mut Ui, label: &str, value: &mut String, errors: &[String]) -> Response {
    edit_row(ui, label, errors, |ui| {
        ui.add(TextEdit::singleline(value).desired_width(FIELD_WIDTH))
    })
}

/// Like [`text_row`], hiding what is typed.
pub fn password_row(ui: &mut Ui, label: &str, value: &mut String, errors: &[String]) -> Response {
    edit_row(ui, label, errors, |ui| {
        ui.add(
            TextEdit::singleline(value)
                .password(true)
                .desired_width(FIELD_WIDTH),
        )
    })
}

/// A multi-line input (notes, SOAP sections).
pub fn multiline_row(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    rows: usize,
    errors: &[String],
) -> Response {
    edit_row(ui, label, errors, |ui| {
        ui.add(
            TextEdit::multiline(value)
                .desired_rows(rows)
                .desired_width(f32::INFINITY),
        )
    })
}

pub(super) fn edit_row(
    ui: &mut Ui,
    label: &str,
    errors: &[String],
    add: impl FnOnce(&mut Ui) -> Response,
) -> Response {
    let label = ui.label(label);
    let response = ui
        .vertical(|ui| {
            let response = add(ui).labelled_by(label.id);
            for error in errors {
                error_line(ui, error);
            }
            response
        })
        .inner;
    ui.end_row();
    response
}

/// A single-line input outside a grid, named by `label` (a search box, a scanner field).
pub fn labelled_input(
    ui: &mut Ui,
    label: &str,
    hint: &str,
    value: &mut String,
    width: f32,
) -> Response {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.add(
            TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(width),
        )
        .labelled_by(label.id)
    })
    .inner
}

/// Whether Enter was pressed in the input `response` belongs to.
pub fn submitted(ui: &Ui, response: &Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

pub fn error_line(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
}

/// A short coloured word: a status, a warning.
pub fn badge(ui: &mut Ui, text: &str, color: Color32) -> Response {
    badge_with(
        ui,
        egui::Label::new(RichText::new(text).color(color).small()),
        color,
    )
}

/// A [`badge`] whose text is cut short (whole on hover) when the space left in `ui` is
/// narrower: for the top bar, where it must not run over what is laid out before it.
pub fn badge_fitted(ui: &mut Ui, text: &str, color: Color32) -> Response {
    let label = egui::Label::new(RichText::new(text).color(color).small()).truncate();
    badge_with(ui, label, color)
}

/// `label` in a badge's frame, outlined in `color`.
fn badge_with(ui: &mut Ui, label: egui::Label, color: Color32) -> Response {
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| ui.add(label))
        .inner
}

/// The header of a data table drawn as an `egui::Grid`: one strong, weak-coloured label
/// per column (an empty title leaves the column's header blank), then the row's end.
pub fn header_row(ui: &mut Ui, titles: &[String]) {
    for title in titles {
        ui.label(
            RichText::new(title)
                .strong()
                .color(ui.visuals().weak_text_color()),
        );
    }
    ui.end_row();
}

/// Online without a sign of life from the sync loop for this long: it is marked stale. A
/// connected loop says it is alive every 30 s (`sync::state::ALIVE_AT`).
pub const SYNC_STALE_AFTER_MS: i64 = 90_000;

/// Whether the sync state says online but the loop has gone silent; asks for a frame when
/// it would turn stale, so the mark appears without any input.
pub fn sync_stale(ui: &Ui, state: &crate::store::queries::SyncState) -> bool {
    let now = dermis_model::now_millis();
    let stale = state.stale(now, SYNC_STALE_AFTER_MS);
    if !stale
        && state.online == Some(true)
        && let Some(at) = state.last_sign_of_life()
    {
        let left = (at + SYNC_STALE_AFTER_MS + 1 - now).max(1_000);
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(left.unsigned_abs()));
    }
    stale
}

/// The one obvious action of a form or dialog: filled with the theme's accent.
pub fn primary_button(ui: &Ui, text: &str) -> egui::Button<'static> {
    let selection = ui.visuals().selection;
    egui::Button::new(
        RichText::new(text.to_owned())
            .strong()
            .color(selection.stroke.color),
    )
    .fill(selection.bg_fill)
}

pub fn ok_color(ui: &Ui) -> Color32 {
    super::theme::ok(ui.visuals().dark_mode)
}

pub fn warn_color(ui: &Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// A titled group with a frame, for the parts of a screen.
pub fn section<R>(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.strong(title);
            ui.add_space(4.0);
            add(ui)
        })
        .inner
}

/// A two-column form grid.
pub fn form_grid<R>(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, add)
        .inner
}

/// A drop-down named by `label`, choosing one of `options` (value, shown text).
pub fn combo_row<T: PartialEq + Clone>(
    ui: &mut Ui,
    label: &str,
    selected: &mut T,
    options: &[(T, String)],
    errors: &[String],
) {
    let label_response = ui.label(label);
    ui.vertical(|ui| {
        combo(ui, label, &label_response, selected, options);
        for error in errors {
            error_line(ui, error);
        }
    });
    ui.end_row();
}

/// A drop-down named by the label response given.
pub fn combo<T: PartialEq + Clone>(
    ui: &mut Ui,
    id: &str,
    label: &Response,
    selected: &mut T,
    options: &[(T, String)],
) -> Response {
    let shown = options
        .iter()
        .find(|(value, _)| value == selected)
        .map(|(_, text)| text.clone())
        .unwrap_or_default();
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(FIELD_WIDTH - 8.0)
        .show_ui(ui, |ui| {
            for (value, text) in options {
                ui.selectable_value(selected, value.clone(), text.as_str());
            }
        })
        .response
        .labelled_by(label.id)
}

/// One cell of a list row, left-aligned in a fixed width so rows and headings line up
/// and a long text is cut short instead of pushing the next column away.
pub fn cell<R>(ui: &mut Ui, width: f32, height: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.set_max_width(width);
            add(ui)
        },
    )
    .inner
}

/// A figure (an amount, a count) right-aligned in a cell of `width`, so that the digits
/// of a column line up as an accountant reads them.
pub fn figure(ui: &mut Ui, width: f32, text: impl Into<egui::WidgetText>) -> Response {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ui.spacing().interact_size.y),
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.label(text)
        },
    )
    .inner
}

/// A text that is cut with an ellipsis when it does not fit its cell.
pub fn truncated(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> Response {
    ui.add(egui::Label::new(text).truncate())
}

/// A cell like [`cell`] whose content sits at its right edge: amounts line up on their
/// last digit down a column, and with the column's heading.
pub fn cell_right<R>(ui: &mut Ui, width: f32, height: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            ui.set_min_width(width);
            ui.set_max_width(width);
            add(ui)
        },
    )
    .inner
}

/// A column heading as [`header_row`] draws them, for tables laid out cell by cell.
pub fn header_label(ui: &mut Ui, title: &str) -> Response {
    ui.label(
        RichText::new(title)
            .strong()
            .color(ui.visuals().weak_text_color()),
    )
}

/// How wide `text` is drawn in the body font, with a little room to spare.
pub fn text_width(ui: &Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.painter()
        .layout_no_wrap(text.to_owned(), font, ui.visuals().strong_text_color())
        .size()
        .x
        + 6.0
}

/// A column as wide as its heading `title` and its widest text, within `min..=max`.
pub fn column_width<'a>(
    ui: &Ui,
    title: &str,
    texts: impl IntoIterator<Item = &'a str>,
    min: f32,
    max: f32,
) -> f32 {
    texts
        .into_iter()
        .map(|t| text_width(ui, t))
        .fold(text_width(ui, title), f32::max)
        .clamp(min, max)
}
