//! Moving an appointment by dragging its block: while it is dragged a ghost shows where it
//! would land (snapped to the 15-minute grid, in the column under the pointer, with the
//! new start time), and letting go asks for the move, the same one the Move dialog sends.

use dermis_model::{AppointmentId, Millis, UserId};
use egui::{FontId, Id, LayerId, Order, Rect, Response, Stroke, Ui, pos2, vec2};
use time::{Date, Time};

use super::grid::{FIRST_HOUR, LAST_HOUR, SLOT_HEIGHT, SLOT_MINUTES};
use crate::gui::backend::BookCommand;
use crate::gui::theme;
use crate::gui::tr::Tr;
use crate::localtime;
use crate::store::queries::AppointmentRow;

/// A column a block may be dropped in.
pub(super) struct Target {
    pub body: Rect,
    pub date: Date,
    /// Who a block dropped here is with (`None`: it keeps its clinician).
    pub clinician: Option<UserId>,
}

/// Follows the drag of `row`'s block (`response`, drawn at `rect`); on release over a
/// column, the move it asks for, if it moves anything.
pub(super) fn drag_ui(
    ui: &Ui,
    tr: &Tr,
    response: &Response,
    rect: Rect,
    row: &AppointmentRow,
    targets: &[Target],
) -> Option<BookCommand> {
    if response.drag_stopped() {
        // The pointer may be gone by the release: land where the last frame showed.
        let landing = ui.data_mut(|d| {
            let landing = d.get_temp::<Landing>(response.id);
            d.remove::<Landing>(response.id);
            landing
        })?;
        return landed(row, landing);
    }
    if !response.dragged() {
        return None;
    }
    let (origin, pointer) = ui.input(|i| (i.pointer.press_origin(), i.pointer.latest_pos()));
    let (origin, pointer) = (origin?, pointer?);
    let target = targets
        .iter()
        .find(|t| t.body.x_range().contains(pointer.x))?;
    let slots = (LAST_HOUR - FIRST_HOUR) * 60 / SLOT_MINUTES;
    let top = rect.top() + (pointer.y - origin.y);
    let slot = (((top - target.body.top()) / SLOT_HEIGHT).round() as i64).clamp(0, slots - 1);
    let minutes = FIRST_HOUR * 60 + slot * SLOT_MINUTES;
    let at = Time::from_hms((minutes / 60) as u8, (minutes % 60) as u8, 0).ok()?;
    let landing = Landing {
        start: localtime::to_millis(target.date, at),
        clinician: target.clinician,
    };
    ui.data_mut(|d| d.insert_temp(response.id, landing));
    let ghost = Rect::from_min_size(
        pos2(
            target.body.left() + 3.0,
            target.body.top() + slot as f32 * SLOT_HEIGHT + 1.0,
        ),
        vec2(target.body.width() - 6.0, rect.height()),
    );
    let painter = ui
        .ctx()
        .layer_painter(LayerId::new(Order::Foreground, Id::unique("book-drag")));
    let accent = theme::accent(ui.visuals().dark_mode);
    painter.rect(
        ghost,
        4.0,
        theme::blend(ui.visuals().panel_fill, accent, 0.35),
        Stroke::new(2.0, accent),
        egui::StrokeKind::Inside,
    );
    painter.text(
        ghost.left_top() + vec2(8.0, 2.0),
        egui::Align2::LEFT_TOP,
        crate::i18n::format_time(at, tr.locale),
        FontId::proportional(13.0),
        ui.visuals().text_color(),
    );
    None
}

/// Where the dragged block would land, kept between frames.
#[derive(Clone, Copy, Debug)]
struct Landing {
    start: Millis,
    clinician: Option<UserId>,
}

/// The move that landing `row` there asks for, if it moves anything.
fn landed(row: &AppointmentRow, landing: Landing) -> Option<BookCommand> {
    let id: AppointmentId = row.id.parse().ok()?;
    let current = row.clinician_id.as_deref().and_then(|c| c.parse().ok());
    let clinician = landing.clinician.or(current);
    if landing.start == row.start && clinician == current {
        return None;
    }
    Some(BookCommand::Move {
        id,
        start: landing.start,
        end: landing.start + (row.end - row.start),
        clinician,
    })
}
