//! Comparison over time: one body part's photos in date order, two of them side by
//! side at the same size (by default the oldest and the newest) with their dates,
//! visits and tags. Buttons or the arrow keys step through the series: ← → move the
//! later photo, Shift with them the earlier one.

use dermis_model::PhotoId;
use dermis_model::photo::BodyPart;
use egui::load::SizedTexture;
use egui::{Key, Ui, vec2};

use super::{PhotosState, visit_label};
use crate::gui::backend::Command;
use crate::gui::screens::Ctx;
use crate::gui::widgets;
use crate::ops::photos::PhotoListing;

/// Height of the series strip's thumbnails.
const STRIP: f32 = 72.0;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareState {
    pub part: BodyPart,
    /// The earlier photo (left) and the later one (right).
    pub left: PhotoId,
    pub right: PhotoId,
}

impl CompareState {
    pub(super) fn shown(&self, _state: &PhotosState) -> [PhotoId; 2] {
        [self.left, self.right]
    }
}

/// A body part's photos, oldest first.
pub(super) fn series(photos: &[PhotoListing], part: BodyPart) -> Vec<&PhotoListing> {
    let mut out: Vec<&PhotoListing> = photos
        .iter()
        .filter(|l| l.photo.body_part == part)
        .collect();
    out.sort_by_key(|l| (l.photo.taken_at, l.photo.id.to_string()));
    out
}

/// Opens the comparison of `part`: the oldest and the newest photo, or `from` beside
/// the newest (beside the oldest when `from` is the newest).
pub(super) fn start(
    state: &mut PhotosState,
    part: BodyPart,
    from: Option<PhotoId>,
    send: &mut dyn FnMut(Command),
) {
    let ids: Vec<PhotoId> = series(&state.photos, part)
        .iter()
        .map(|l| l.photo.id)
        .collect();
    let (Some(first), Some(last)) = (ids.first().copied(), ids.last().copied()) else {
        return;
    };
    let (left, right) = match from {
        Some(id) if id == last => (first, last),
        Some(id) if ids.contains(&id) => (id, last),
        _ => (first, last),
    };
    state.part = Some(part);
    state.show_all = false;
    state.compare = Some(CompareState { part, left, right });
    request(state, send);
}

/// Asks for the full pictures of the two photos shown.
fn request(state: &mut PhotosState, send: &mut dyn FnMut(Command)) {
    let Some(c) = state.compare.clone() else {
        return;
    };
    for id in [c.left, c.right] {
        if let Some(listing) = state.photos.iter().find(|l| l.photo.id == id).cloned() {
            state.want_full(&listing, send);
        }
    }
}

pub(super) fn compare_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(c) = state.compare.clone() else {
        return;
    };
    let ids: Vec<PhotoId> = series(&state.photos, c.part)
        .iter()
        .map(|l| l.photo.id)
        .collect();
    let (Some(li), Some(ri)) = (
        ids.iter().position(|id| *id == c.left),
        ids.iter().position(|id| *id == c.right),
    ) else {
        // A photo of the pair went away (a refresh): back to the gallery.
        state.compare = None;
        return;
    };
    let mut left = li;
    let mut right = ri;
    let last = ids.len() - 1;
    ui.horizontal(|ui| {
        ui.heading(tr.t_args(
            "gui-compare-heading",
            &[("name", tr.t(&c.part.message_id()).into())],
        ));
        if ui.button(tr.t("gui-compare-close")).clicked() {
            state.compare = None;
        }
    });
    if state.compare.is_none() {
        return;
    }
    ui.weak(tr.t("gui-compare-keys"));
    // The keyboard steps unless a text field has it.
    if ui.ctx().memory(|m| m.focused().is_none()) {
        ui.input(|i| {
            let shift = i.modifiers.shift;
            let slot = if shift { &mut left } else { &mut right };
            if i.key_pressed(Key::ArrowLeft) {
                *slot = slot.saturating_sub(1);
            }
            if i.key_pressed(Key::ArrowRight) {
                *slot = (*slot + 1).min(last);
            }
        });
    }
    // The series, oldest first: a click puts a photo on the right.
    egui::ScrollArea::horizontal()
        .id_salt("compare-strip")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, id) in ids.iter().enumerate() {
                    let Some(texture) = state.thumbnails.get(id) else {
                        continue;
                    };
                    let image = egui::Image::from_texture(SizedTexture::from(texture))
                        .max_size(vec2(STRIP * 1.4, STRIP));
                    let chosen = i == left || i == right;
                    let name = tr.t_args(
                        "gui-compare-series-item",
                        &[
                            ("number", (i + 1).to_string().into()),
                            ("count", (ids.len() as i64).into()),
                        ],
                    );
                    if ui
                        .add(egui::Button::image(image).selected(chosen))
                        .accessible_name(name)
                        .clicked()
                    {
                        right = i;
                    }
                }
            });
        });
    ui.add_space(6.0);
    let gap = 12.0;
    // Room for the spacing between the panes and for the scroll bar at the edge.
    let spacing = ui.spacing().item_spacing.x;
    let room = ui.available_width() - gap - 3.0 * spacing - ui.spacing().scroll.bar_width;
    let pane_w = (room / 2.0).floor().max(120.0);
    let pane = vec2(pane_w, (pane_w * 0.8).min(560.0));
    ui.horizontal_top(|ui| {
        for (slot, title) in [
            (&mut left, "gui-compare-earlier"),
            (&mut right, "gui-compare-later"),
        ] {
            ui.vertical(|ui| {
                ui.set_width(pane_w);
                pane_ui(ui, state, ctx, &ids, slot, title, pane);
            });
            if title == "gui-compare-earlier" {
                ui.add_space(gap);
            }
        }
    });
    if (left, right) != (li, ri)
        && let Some(c) = &mut state.compare
    {
        c.left = ids[left];
        c.right = ids[right];
        request(state, &mut |c| ctx.send(c));
    }
}

/// One side: the photo in a box of the same size as the other side's, its place in the
/// series with buttons to step, and what it is.
fn pane_ui(
    ui: &mut Ui,
    state: &PhotosState,
    ctx: &Ctx<'_>,
    ids: &[PhotoId],
    slot: &mut usize,
    title: &str,
    pane: egui::Vec2,
) {
    let tr = ctx.tr;
    let last = ids.len() - 1;
    let Some(listing) = state.photos.iter().find(|l| l.photo.id == ids[*slot]) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.strong(tr.t(title));
        let earlier = tr.t_args("gui-compare-step-earlier", &[("name", tr.t(title).into())]);
        let later = tr.t_args("gui-compare-step-later", &[("name", tr.t(title).into())]);
        if ui
            .add_enabled(*slot > 0, egui::Button::new("‹"))
            .on_hover_text(&earlier)
            .accessible_name(earlier)
            .clicked()
        {
            *slot -= 1;
        }
        ui.label(tr.t_args(
            "gui-compare-position",
            &[
                ("number", (*slot + 1).to_string().into()),
                ("count", (ids.len() as i64).into()),
            ],
        ));
        if ui
            .add_enabled(*slot < last, egui::Button::new("›"))
            .on_hover_text(&later)
            .accessible_name(later)
            .clicked()
        {
            *slot += 1;
        }
    });
    let (rect, _) = ui.allocate_exact_size(pane, egui::Sense::hover());
    ui.painter()
        .rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let id = listing.photo.id;
    match state.full_texture(id).or_else(|| state.thumbnails.get(&id)) {
        Some(texture) => {
            // Fitted into the box, keeping its shape: both sides use the same box.
            let size = texture.size_vec2();
            let scale = (pane.x / size.x).min(pane.y / size.y);
            let shown = egui::Rect::from_center_size(rect.center(), size * scale);
            egui::Image::from_texture(SizedTexture::from(texture)).paint_at(ui, shown);
        }
        None => {
            ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                state.full_missing_ui(ui, tr, id);
            });
        }
    }
    if state.full_texture(id).is_none()
        && let Some(error) = state.full_errors.get(&id)
    {
        widgets::error_line(ui, &tr.ui_error(error));
    }
    ui.label(egui::RichText::new(tr.datetime(listing.photo.taken_at)).strong());
    match state.visit_of(listing) {
        Some(visit) => ui.label(visit_label(tr, visit)),
        None => ui.weak(tr.t("gui-photos-no-visit")),
    };
    if !listing.photo.tags.is_empty() {
        ui.label(listing.photo.tags.join(", "));
    }
}
