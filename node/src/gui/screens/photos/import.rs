//! The import form: files chosen in the browser or dropped on the window (a drop zone
//! says so), the body part, the visit the photos belong to, and tags. All the files go
//! in one command, each with the same part, visit and tags.

use dermis_model::photo::BodyPart;
use dermis_model::{EncounterId, PatientId, ValidationErrors};
use egui::Ui;

use super::{PhotosState, split_tags};
use crate::gui::backend::Command;
use crate::gui::screens::Ctx;
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::store::queries::EncounterRow;

pub(super) fn import_ui(
    ui: &mut Ui,
    state: &mut PhotosState,
    patient: PatientId,
    ctx: &mut Ctx<'_>,
) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-photos-import"), |ui| {
        drop_zone_ui(ui, state, ctx);
        files_ui(ui, state, tr);
        let parts: Vec<(Option<BodyPart>, String)> = BodyPart::ALL
            .iter()
            .map(|p| (Some(*p), tr.t(&p.message_id())))
            .collect();
        let mut visits: Vec<(Option<EncounterId>, String)> =
            vec![(None, tr.t("gui-photos-no-visit"))];
        visits.extend(state.visits.iter().filter_map(|v| {
            let id = v.id.parse().ok()?;
            Some((Some(id), visit_choice(tr, v)))
        }));
        let errors = state.errors.clone();
        let errors = |field: &str| tr.errors_for(&errors, field);
        widgets::form_grid(ui, "photo-import", |ui| {
            let chosen = state.part;
            widgets::combo_row(
                ui,
                &tr.t("field-body-part"),
                &mut state.part,
                &parts,
                &errors("body_part"),
            );
            if state.part != chosen {
                state.show_all = false;
            }
            widgets::combo_row(
                ui,
                &tr.t("gui-photos-visit"),
                &mut state.visit,
                &visits,
                &errors("encounter"),
            );
            widgets::text_row(ui, &tr.t("field-tags"), &mut state.tags, &errors("tags"))
                .on_hover_text(tr.t("gui-photos-tags-hint"));
        });
        if let Some(error) = &state.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.horizontal(|ui| {
            let count = state.files.len();
            let ready = !state.busy && count > 0 && state.part.is_some();
            let label = tr.t_args(
                "gui-photos-add-files",
                &[("count", (count.max(1) as i64).into())],
            );
            if ui
                .add_enabled(ready, widgets::primary_button(ui, &label))
                .clicked()
                && let Some(part) = state.part
            {
                state.busy = true;
                state.added = None;
                state.failed.clear();
                state.errors = ValidationErrors::default();
                state.error = None;
                ctx.send(Command::ImportPhotos {
                    patient,
                    files: state.files.clone(),
                    body_part: part.as_str().to_owned(),
                    tags: split_tags(&state.tags),
                    encounter: state.visit,
                });
            }
            if state.busy {
                ui.spinner();
            } else if count > 0 && state.part.is_none() {
                ui.weak(tr.t("gui-photos-part-needed"));
            }
            if let Some(added) = state.added.filter(|n| *n > 0) {
                ui.label(tr.t_args(
                    "gui-photos-added-count",
                    &[("count", (added as i64).into())],
                ));
            }
        });
        for (name, error) in &state.failed {
            widgets::error_line(
                ui,
                &tr.t_args(
                    "gui-photos-not-imported",
                    &[
                        ("name", name.as_str().into()),
                        ("reason", tr.ui_error(error).into()),
                    ],
                ),
            );
        }
    });
}

/// A framed area that lights up while files are dragged over the window, with the
/// button that opens the browser.
fn drop_zone_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let hovering = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    let visuals = ui.visuals();
    let (fill, stroke) = if hovering {
        (visuals.selection.bg_fill, visuals.selection.stroke)
    } else {
        (
            visuals.faint_bg_color,
            egui::Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
        )
    };
    egui::Frame::new()
        .fill(fill)
        .stroke(stroke)
        .corner_radius(6.0)
        .inner_margin(egui::Margin::same(14))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                let hint = if hovering {
                    tr.t("gui-photos-drop-now")
                } else {
                    tr.t("gui-photos-drop-hint")
                };
                ui.label(hint);
                if ui.button(tr.t("gui-photos-choose")).clicked() {
                    state.picker.open(ctx);
                }
            });
        });
}

/// The files waiting for "Add", each removable.
fn files_ui(ui: &mut Ui, state: &mut PhotosState, tr: &Tr) {
    if state.files.is_empty() {
        return;
    }
    ui.label(tr.t_args(
        "gui-photos-files-chosen",
        &[("count", (state.files.len() as i64).into())],
    ));
    let mut remove = None;
    for (i, file) in state.files.iter().enumerate() {
        ui.horizontal(|ui| {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            if ui
                .small_button(tr.t("gui-photos-remove-file"))
                .accessible_name(
                    tr.t_args("gui-photos-remove-named", &[("name", name.as_str().into())]),
                )
                .clicked()
            {
                remove = Some(i);
            }
            ui.label(name).on_hover_text(file.display().to_string());
        });
    }
    if let Some(i) = remove {
        state.files.remove(i);
    }
}

/// A visit as the selector lists it: its date, complaint and whether it is signed.
fn visit_choice(tr: &Tr, v: &EncounterRow) -> String {
    let status = if v.status == "signed" {
        tr.t("status-signed")
    } else {
        tr.t("status-draft")
    };
    let mut text = tr.stored_date(&v.date);
    if !v.complaint.trim().is_empty() {
        text.push_str(" · ");
        text.push_str(v.complaint.trim());
    }
    text.push_str(&format!(" ({status})"));
    text
}
