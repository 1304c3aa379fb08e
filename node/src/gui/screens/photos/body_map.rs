//! The body map: a neutral front and back figure drawn with egui shapes, whose regions
//! are [`BodyPart`]s. Clicking a region chooses that part (for the import and the
//! gallery's filter); hovering names it; small badges count the photos of each part.
//!
//! The figure is laid out in a 100 × 216 unit box and scaled to the space given. Left
//! and right limbs are the same part: the record has no laterality.

use dermis_model::photo::BodyPart;
use egui::{Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};

use crate::gui::tr::Tr;

/// Width and height of one figure in layout units.
const UNITS: egui::Vec2 = vec2(100.0, 216.0);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Front,
    Back,
}

impl View {
    fn message_id(self) -> &'static str {
        match self {
            View::Front => "gui-photos-map-front",
            View::Back => "gui-photos-map-back",
        }
    }
}

/// One clickable area: a polygon of the figure in layout units.
struct Region {
    part: BodyPart,
    points: Vec<Pos2>,
}

fn poly(part: BodyPart, points: &[(f32, f32)]) -> Region {
    Region {
        part,
        points: points.iter().map(|&(x, y)| pos2(x, y)).collect(),
    }
}

/// The same polygon on the figure's other side.
fn mirrored(region: &Region) -> Region {
    Region {
        part: region.part,
        points: region
            .points
            .iter()
            .rev()
            .map(|p| pos2(UNITS.x - p.x, p.y))
            .collect(),
    }
}

/// The band `y0..y1` of an ellipse, as a polygon.
fn ellipse_band(part: BodyPart, c: Pos2, r: egui::Vec2, y0: f32, y1: f32) -> Region {
    const STEPS: usize = 10;
    let half = |y: f32| {
        let t = ((y - c.y) / r.y).clamp(-1.0, 1.0);
        r.x * (1.0 - t * t).max(0.0).sqrt()
    };
    let ys: Vec<f32> = (0..=STEPS)
        .map(|i| y0 + (y1 - y0) * i as f32 / STEPS as f32)
        .collect();
    let mut points: Vec<Pos2> = ys.iter().map(|&y| pos2(c.x - half(y), y)).collect();
    points.extend(ys.iter().rev().map(|&y| pos2(c.x + half(y), y)));
    Region { part, points }
}

/// The limbs of the figure's right side (drawn on the left of the picture); the other
/// side is their mirror.
fn limbs(back: bool) -> Vec<Region> {
    use BodyPart::*;
    let mut out = vec![
        poly(
            Shoulder,
            &[
                (36.0, 41.0),
                (36.0, 52.0),
                (27.0, 54.0),
                (28.0, 46.0),
                (31.0, 42.5),
            ],
        ),
        poly(
            UpperArm,
            &[(27.0, 54.0), (36.0, 52.0), (35.0, 76.0), (26.0, 76.0)],
        ),
        poly(
            Elbow,
            &[(26.0, 76.0), (35.0, 76.0), (34.5, 82.0), (25.5, 82.0)],
        ),
        poly(
            Forearm,
            &[(25.5, 82.0), (34.5, 82.0), (33.0, 104.0), (25.0, 104.0)],
        ),
        poly(
            Wrist,
            &[(25.0, 104.0), (33.0, 104.0), (33.0, 108.0), (25.0, 108.0)],
        ),
        poly(
            Hand,
            &[(25.0, 108.0), (33.0, 108.0), (34.0, 119.0), (24.0, 119.0)],
        ),
        poly(
            Finger,
            &[(24.0, 119.0), (34.0, 119.0), (32.5, 129.0), (25.5, 129.0)],
        ),
        poly(
            Thigh,
            &[(36.5, 110.0), (49.0, 112.0), (48.0, 150.0), (38.0, 150.0)],
        ),
        poly(
            Knee,
            &[(38.0, 150.0), (48.0, 150.0), (47.5, 160.0), (38.5, 160.0)],
        ),
        poly(
            LowerLeg,
            &[(38.5, 160.0), (47.5, 160.0), (46.0, 196.0), (40.0, 196.0)],
        ),
        poly(
            Ankle,
            &[(40.0, 196.0), (46.0, 196.0), (46.0, 202.0), (40.0, 202.0)],
        ),
    ];
    if back {
        out.push(poly(
            Foot,
            &[(40.0, 202.0), (46.0, 202.0), (46.5, 212.0), (39.5, 212.0)],
        ));
    } else {
        out.push(poly(
            Foot,
            &[(40.0, 202.0), (46.0, 202.0), (47.5, 209.0), (38.5, 209.0)],
        ));
        out.push(poly(
            Toe,
            &[(38.5, 209.0), (47.5, 209.0), (47.0, 214.0), (39.0, 214.0)],
        ));
        out.push(poly(
            Hip,
            &[(37.0, 96.0), (44.0, 96.0), (43.0, 106.0), (36.5, 110.0)],
        ));
    }
    let others: Vec<Region> = out.iter().map(mirrored).collect();
    out.extend(others);
    out
}

/// The regions of one view, in drawing order: later ones are on top and win a click.
fn regions(view: View) -> Vec<Region> {
    use BodyPart::*;
    let head = pos2(50.0, 20.0);
    let head_r = vec2(11.0, 14.0);
    let mut out = vec![poly(
        Neck,
        &[(45.0, 31.0), (55.0, 31.0), (56.5, 41.0), (43.5, 41.0)],
    )];
    let ear = poly(
        Ear,
        &[
            (39.5, 16.0),
            (37.0, 18.0),
            (36.5, 23.0),
            (38.5, 26.0),
            (40.0, 25.0),
        ],
    );
    out.push(mirrored(&ear));
    out.push(ear);
    match view {
        View::Front => {
            out.push(ellipse_band(Scalp, head, head_r, 6.0, 12.0));
            out.push(ellipse_band(Forehead, head, head_r, 12.0, 17.5));
            out.push(ellipse_band(Face, head, head_r, 17.5, 34.0));
            out.push(poly(Nose, &[(50.0, 18.5), (52.2, 24.5), (47.8, 24.5)]));
            out.push(poly(
                Lip,
                &[(46.0, 27.5), (54.0, 27.5), (53.0, 30.0), (47.0, 30.0)],
            ));
            out.push(poly(
                Chest,
                &[
                    (36.0, 41.0),
                    (44.0, 39.0),
                    (56.0, 39.0),
                    (64.0, 41.0),
                    (64.0, 72.0),
                    (36.0, 72.0),
                ],
            ));
            out.push(poly(
                Abdomen,
                &[(36.0, 72.0), (64.0, 72.0), (63.0, 96.0), (37.0, 96.0)],
            ));
        }
        View::Back => {
            out.push(ellipse_band(Scalp, head, head_r, 6.0, 34.0));
            out.push(poly(
                UpperBack,
                &[
                    (36.0, 41.0),
                    (44.0, 39.0),
                    (56.0, 39.0),
                    (64.0, 41.0),
                    (64.0, 70.0),
                    (36.0, 70.0),
                ],
            ));
            out.push(poly(
                LowerBack,
                &[(36.0, 70.0), (64.0, 70.0), (63.0, 94.0), (37.0, 94.0)],
            ));
            let buttock = poly(
                Buttocks,
                &[(37.0, 94.0), (50.0, 94.0), (49.5, 112.0), (36.5, 110.0)],
            );
            out.push(mirrored(&buttock));
            out.push(buttock);
        }
    }
    out.extend(limbs(view == View::Back));
    out
}

/// The figure's outline parts that choose nothing: the front of the pelvis.
fn plain(view: View) -> Vec<Vec<Pos2>> {
    match view {
        View::Front => vec![
            [
                (44.0, 96.0),
                (56.0, 96.0),
                (63.5, 110.0),
                (50.0, 114.0),
                (36.5, 110.0),
            ]
            .iter()
            .map(|&(x, y)| pos2(x, y))
            .collect(),
        ],
        View::Back => Vec::new(),
    }
}

/// The parts the map can show, each once (front first): where a part's badge goes.
pub fn mapped_parts() -> Vec<BodyPart> {
    let mut out = Vec::new();
    for view in [View::Front, View::Back] {
        for r in regions(view) {
            if !out.contains(&r.part) {
                out.push(r.part);
            }
        }
    }
    out
}

/// Whether `p` lies inside the polygon (even-odd rule).
fn contains(points: &[Pos2], p: Pos2) -> bool {
    let mut inside = false;
    let mut j = points.len().wrapping_sub(1);
    for i in 0..points.len() {
        let (a, b) = (points[i], points[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn bounds_of(points: &[Pos2]) -> Rect {
    points.iter().fold(Rect::NOTHING, |acc, p| {
        acc.union(Rect::from_min_max(*p, *p))
    })
}

fn centroid(points: &[Pos2]) -> Pos2 {
    let n = points.len().max(1) as f32;
    let sum = points
        .iter()
        .fold(vec2(0.0, 0.0), |acc, p| acc + p.to_vec2());
    (sum / n).to_pos2()
}

/// What the map reports about a frame.
pub struct MapOutput {
    /// A region was clicked (or activated from the keyboard).
    pub clicked: Option<BodyPart>,
}

/// Draws the front and back figures, `height` points tall. `count` gives the photos of
/// a part for its badge.
pub fn body_map_ui(
    ui: &mut Ui,
    tr: &Tr,
    selected: Option<BodyPart>,
    count: &dyn Fn(BodyPart) -> usize,
    height: f32,
) -> MapOutput {
    let scale = height / (UNITS.y + 12.0);
    let figure = UNITS * scale;
    let mut clicked = None;
    let badged_front = mapped_front();
    ui.horizontal(|ui| {
        for view in [View::Front, View::Back] {
            ui.vertical(|ui| {
                ui.label(tr.t(view.message_id()));
                let (rect, _) = ui.allocate_exact_size(figure, Sense::hover());
                let badges = |part: BodyPart| match view {
                    View::Front => badged_front.contains(&part),
                    View::Back => !badged_front.contains(&part),
                };
                if let Some(part) = figure_ui(ui, tr, view, rect, scale, selected, count, &badges) {
                    clicked = Some(part);
                }
            });
        }
    });
    MapOutput { clicked }
}

fn mapped_front() -> Vec<BodyPart> {
    regions(View::Front).into_iter().map(|r| r.part).collect()
}

#[allow(clippy::too_many_arguments)]
fn figure_ui(
    ui: &mut Ui,
    tr: &Tr,
    view: View,
    rect: Rect,
    scale: f32,
    selected: Option<BodyPart>,
    count: &dyn Fn(BodyPart) -> usize,
    badges: &dyn Fn(BodyPart) -> bool,
) -> Option<BodyPart> {
    let to_screen = |p: Pos2| rect.min + p.to_vec2() * scale;
    let from_screen = |p: Pos2| ((p - rect.min) / scale).to_pos2();
    let regions = regions(view);
    let visuals = ui.visuals().clone();
    let pointer = ui
        .ctx()
        .pointer_hover_pos()
        .filter(|p| rect.contains(*p))
        .map(from_screen);
    let hovered = pointer.and_then(|p| {
        regions
            .iter()
            .rev()
            .find(|r| contains(&r.points, p))
            .map(|r| r.part)
    });

    // One widget per part of this view: the screen reader and the keyboard reach it, and
    // a pointer click is resolved by the shapes, not by the widget's bounding box.
    let mut parts: Vec<BodyPart> = Vec::new();
    for r in &regions {
        if !parts.contains(&r.part) {
            parts.push(r.part);
        }
    }
    let mut clicked = None;
    let mut focused = None;
    // The whole figure takes clicks too, so a click anywhere on it is seen and then
    // resolved by the shapes under the pointer.
    let figure = ui.interact(rect, ui.scope_id().with(("body-map", view)), Sense::click());
    figure.widget_info(|| {
        egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, tr.t(view.message_id()))
    });
    let mut any_click = figure.clicked();
    for part in &parts {
        // The widget covers the part's first region (both sides are the same part), so
        // its centre is on the part.
        let bounds = regions
            .iter()
            .find(|r| r.part == *part)
            .map(|r| bounds_of(&r.points))
            .map(|b| Rect::from_min_max(to_screen(b.min), to_screen(b.max)))
            .unwrap_or(Rect::NOTHING);
        let id = ui.scope_id().with(("body-map", view, *part));
        let response = ui.interact(bounds, id, Sense::click());
        let name = region_name(tr, view, *part);
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::accesskit::Role::RadioButton,
                true,
                selected == Some(*part),
                &name,
            )
        });
        if response.has_focus() {
            focused = Some(*part);
        }
        if response.clicked() {
            any_click = true;
            clicked = Some(*part);
        }
    }
    if any_click && ui.input(|i| i.pointer.primary_clicked()) && pointer.is_some() {
        clicked = hovered;
    }

    let painter = ui.painter_at(rect.expand(2.0));
    let base = visuals.widgets.inactive.bg_fill;
    let outline = Stroke::new(
        1.0,
        visuals
            .widgets
            .noninteractive
            .fg_stroke
            .color
            .gamma_multiply(0.6),
    );
    let chosen = visuals.selection.bg_fill;
    let hover_fill = visuals.widgets.hovered.bg_fill;
    for shape in plain(view) {
        let points = shape.into_iter().map(to_screen).collect();
        painter.add(Shape::convex_polygon(points, base, outline));
    }
    for r in &regions {
        let fill = if Some(r.part) == selected {
            chosen
        } else if Some(r.part) == hovered || Some(r.part) == focused {
            hover_fill
        } else {
            base
        };
        let points: Vec<Pos2> = r.points.iter().map(|p| to_screen(*p)).collect();
        let stroke = if Some(r.part) == focused {
            visuals.selection.stroke
        } else {
            outline
        };
        painter.add(Shape::convex_polygon(points, fill, stroke));
    }
    // Badges: the number of photos of a part, once per part, on its first region.
    let mut badged: Vec<BodyPart> = Vec::new();
    for r in &regions {
        let n = count(r.part);
        if n == 0 || badged.contains(&r.part) || !badges(r.part) {
            continue;
        }
        badged.push(r.part);
        let at = to_screen(centroid(&r.points));
        let text = n.to_string();
        let font = egui::FontId::proportional(11.0);
        let radius = 7.5 + 2.5 * (text.len().saturating_sub(1)) as f32;
        // The text colour on the panel colour: the theme's own readable pair, either mode.
        painter.circle(
            at,
            radius,
            visuals.text_color(),
            Stroke::new(1.0, visuals.panel_fill),
        );
        painter.text(
            at,
            egui::Align2::CENTER_CENTER,
            text,
            font,
            visuals.panel_fill,
        );
    }
    if let (Some(part), Some(pos)) = (hovered, ui.ctx().pointer_hover_pos()) {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
        let label = tr.t(&part.message_id());
        let galley = painter.layout_no_wrap(
            label,
            egui::FontId::proportional(13.0),
            visuals.text_color(),
        );
        let at = pos + vec2(12.0, -18.0);
        let bg = Rect::from_min_size(at, galley.size()).expand(3.0);
        let tip = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Tooltip,
            ui.scope_id().with(("map-tip", view)),
        ));
        tip.rect_filled(bg, 3.0, visuals.extreme_bg_color);
        tip.rect_stroke(bg, 3.0, outline, egui::StrokeKind::Outside);
        tip.galley(at, galley, visuals.text_color());
    }
    clicked
}

/// The accessible name of a region: the part and the side of the figure it is on.
pub fn region_name(tr: &Tr, view: View, part: BodyPart) -> String {
    let id = match view {
        View::Front => "gui-photos-map-region-front",
        View::Back => "gui-photos-map-region-back",
    };
    tr.t_args(id, &[("name", tr.t(&part.message_id()).into())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_is_hit_at_its_centre_and_parts_without_one_are_few() {
        for view in [View::Front, View::Back] {
            let regions = regions(view);
            for (i, r) in regions.iter().enumerate() {
                let c = centroid(&r.points);
                let hit = regions.iter().rposition(|o| contains(&o.points, c));
                assert_eq!(
                    hit.map(|h| regions[h].part),
                    Some(r.part),
                    "{view:?} region {i} ({:?}) is hidden under another",
                    r.part
                );
            }
        }
        // The centre of a part's widget (its first region's box) is on the part.
        for view in [View::Front, View::Back] {
            let regions = regions(view);
            for r in &regions {
                if regions.iter().find(|o| o.part == r.part).map(|o| &o.points) != Some(&r.points) {
                    continue;
                }
                let c = bounds_of(&r.points).center();
                let hit = regions.iter().rposition(|o| contains(&o.points, c));
                assert_eq!(
                    hit.map(|h| regions[h].part),
                    Some(r.part),
                    "{view:?} {:?}",
                    r.part
                );
            }
        }
        let mapped = mapped_parts();
        let missing: Vec<_> = BodyPart::ALL
            .iter()
            .filter(|p| !mapped.contains(p))
            .collect();
        assert_eq!(
            missing,
            vec![
                &BodyPart::Genitals,
                &BodyPart::Nail,
                &BodyPart::Mucosa,
                &BodyPart::Other
            ]
        );
    }
}
