//! A patient's photos: import from a file (typed path or a file dropped on the window)
//! with a body part and tags, the gallery of local thumbnails, and a full view.
//!
//! Pictures arrive decoded from the backend; turning them into textures is the only
//! work done here, and it happens once per picture.

use std::collections::HashMap;

use dermis_model::photo::BodyPart;
use dermis_model::{PatientId, PhotoId, ValidationErrors};
use egui::load::SizedTexture;
use egui::{TextureHandle, TextureOptions, Ui, vec2};

use super::{Ctx, Nav};
use crate::gui::backend::{Command, Picture, UiError};
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::ops::photos::{PhotoListing, UploadView};

const THUMB_SIZE: f32 = 160.0;

#[derive(Default)]
pub struct PhotosState {
    pub patient: Option<PatientId>,
    pub patient_name: String,
    pub path: String,
    pub body_part: String,
    pub tags: String,
    pub photos: Vec<PhotoListing>,
    pub loaded: bool,
    textures: HashMap<PhotoId, TextureHandle>,
    waiting: Vec<(PhotoId, Picture)>,
    pub full: Option<PhotoId>,
    full_texture: Option<(PhotoId, TextureHandle)>,
    full_waiting: Option<(PhotoId, Picture)>,
    /// Why the full view could not be shown.
    pub full_error: Option<UiError>,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
    pub added: bool,
}

impl std::fmt::Debug for PhotosState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotosState")
            .field("patient", &self.patient)
            .field("photos", &self.photos.len())
            .finish_non_exhaustive()
    }
}

impl PhotosState {
    pub fn open(&mut self, patient: PatientId, name: String) {
        if self.patient != Some(patient) {
            *self = PhotosState::default();
        }
        self.patient = Some(patient);
        self.patient_name = name;
        self.added = false;
        if self.body_part.is_empty() {
            self.body_part = BodyPart::Face.as_str().to_owned();
        }
    }

    pub fn on_photos(&mut self, patient: PatientId, photos: Vec<PhotoListing>) {
        if self.patient == Some(patient) {
            self.photos = photos;
            self.loaded = true;
        }
    }

    pub fn on_thumbnail(&mut self, id: PhotoId, picture: Picture) {
        self.waiting.push((id, picture));
    }

    pub fn on_full(&mut self, id: PhotoId, picture: Picture) {
        self.full_error = None;
        self.full_waiting = Some((id, picture));
    }

    /// The full view was asked for and could not be loaded.
    pub fn full_failed(&mut self, error: UiError) {
        if self.full.is_some() {
            self.full_error = Some(error);
        }
    }

    pub fn on_added(&mut self) {
        self.busy = false;
        self.added = true;
        self.path.clear();
        self.tags.clear();
        self.errors = ValidationErrors::default();
        self.error = None;
    }

    pub fn failed(&mut self, error: UiError) {
        self.busy = false;
        match error {
            UiError::Invalid(errors) => self.errors = errors,
            other => self.error = Some(other),
        }
    }

    /// Turns pictures that arrived into textures.
    fn upload(&mut self, ctx: &egui::Context) {
        for (id, picture) in self.waiting.drain(..) {
            let texture = ctx.load_texture(
                format!("thumb-{id}"),
                (*picture).clone(),
                TextureOptions::LINEAR,
            );
            self.textures.insert(id, texture);
        }
        if let Some((id, picture)) = self.full_waiting.take() {
            let texture = ctx.load_texture(
                format!("photo-{id}"),
                (*picture).clone(),
                TextureOptions::LINEAR,
            );
            self.full_texture = Some((id, texture));
        }
    }
}

pub fn photos_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    state.upload(ui.ctx());
    let tr = ctx.tr;
    let Some(patient) = state.patient else {
        ui.weak(tr.t("gui-photos-no-patient"));
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(tr.t_args(
            "gui-photos-heading",
            &[("patient", state.patient_name.as_str().into())],
        ));
        if ui.button(tr.t("gui-back")).clicked() {
            ctx.go(Nav::OpenPatient(patient));
        }
    });
    // A file dropped anywhere on the window goes into the path field.
    let dropped = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .first()
            .map(|f| f.path().to_string_lossy().into_owned())
    });
    if let Some(path) = dropped {
        state.path = path;
        state.added = false;
    }
    if ctx.can(dermis_model::clinic::Permission::EditClinical) {
        import_ui(ui, state, patient, ctx);
        ui.add_space(8.0);
    }
    gallery_ui(ui, state, ctx);
    full_view_ui(ui, state, ctx);
}

fn import_ui(ui: &mut Ui, state: &mut PhotosState, patient: PatientId, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-photos-import"), |ui| {
        ui.weak(tr.t("gui-photos-drop-hint"));
        let parts: Vec<(String, String)> = BodyPart::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), tr.t(&p.message_id())))
            .collect();
        let errors = |field: &str| tr.errors_for(&state.errors, field);
        widgets::form_grid(ui, "photo-import", |ui| {
            widgets::text_row(ui, &tr.t("field-file"), &mut state.path, &errors("file"));
            widgets::combo_row(
                ui,
                &tr.t("field-body-part"),
                &mut state.body_part,
                &parts,
                &errors("body_part"),
            );
            widgets::text_row(ui, &tr.t("field-tags"), &mut state.tags, &errors("tags"))
                .on_hover_text(tr.t("gui-photos-tags-hint"));
        });
        if let Some(error) = &state.error {
            widgets::error_line(ui, &tr.ui_error(error));
        }
        ui.horizontal(|ui| {
            let ready = !state.busy && !state.path.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new(tr.t("gui-photos-add")))
                .clicked()
            {
                state.busy = true;
                state.added = false;
                state.errors = ValidationErrors::default();
                state.error = None;
                ctx.send(Command::ImportPhoto {
                    patient,
                    file: state.path.trim().into(),
                    body_part: state.body_part.clone(),
                    tags: split_tags(&state.tags),
                    encounter: None,
                });
            }
            if state.busy {
                ui.spinner();
            }
            if state.added {
                ui.label(tr.t("gui-photos-added"));
            }
        });
    });
}

/// Tags as typed: separated by commas.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn body_part_label(ctx: &Ctx<'_>, photo: &PhotoListing) -> String {
    ctx.t(&photo.photo.body_part.message_id())
}

fn gallery_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    widgets::section(ui, &tr.t("gui-photos-gallery"), |ui| {
        if !state.loaded {
            ui.spinner();
            return;
        }
        if state.photos.is_empty() {
            ui.weak(tr.t("gui-photos-none"));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for listing in &state.photos {
                let caption = format!(
                    "{} · {}",
                    body_part_label(ctx, listing),
                    tr.datetime(listing.photo.taken_at)
                );
                ui.vertical(|ui| {
                    ui.set_width(THUMB_SIZE + 8.0);
                    let clicked = match state.textures.get(&listing.photo.id) {
                        Some(texture) => {
                            let image = egui::Image::from_texture(SizedTexture::from(texture))
                                .max_size(vec2(THUMB_SIZE, THUMB_SIZE));
                            ui.add(egui::Button::image(image))
                                .accessible_name(caption.clone())
                                .clicked()
                        }
                        None => ui.button(tr.t("gui-photos-view")).clicked(),
                    };
                    ui.small(&caption);
                    if !listing.photo.tags.is_empty() {
                        ui.small(listing.photo.tags.join(", "));
                    }
                    ui.small(upload_text(tr, listing));
                    ui.small(thumbnail_text(tr, listing));
                    if clicked {
                        state.full = Some(listing.photo.id);
                        state.full_error = None;
                        if state.full_texture.as_ref().map(|(id, _)| *id) != Some(listing.photo.id)
                        {
                            ctx.send(Command::LoadPhoto {
                                id: listing.photo.id,
                                sha256: listing.photo.sha256.clone(),
                            });
                        }
                    }
                });
            }
        });
    });
}

fn full_view_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(id) = state.full else { return };
    let Some(listing) = state.photos.iter().find(|p| p.photo.id == id) else {
        return;
    };
    let mut open = true;
    let title = body_part_label(ctx, listing);
    egui::Window::new(title)
        .id(egui::Id::unique("photo-full-view"))
        .open(&mut open)
        .collapsible(false)
        .default_size([900.0, 700.0])
        .show(ui.ctx(), |ui| {
            match state
                .full_texture
                .as_ref()
                .filter(|(shown, _)| *shown == id)
            {
                Some((_, texture)) => {
                    let size = ui.available_size() - vec2(0.0, 60.0);
                    ui.add(
                        egui::Image::from_texture(SizedTexture::from(texture))
                            .max_size(size)
                            .maintain_aspect_ratio(true),
                    );
                }
                None => match &state.full_error {
                    Some(error) => widgets::error_line(ui, &tr.ui_error(error)),
                    None => {
                        ui.spinner();
                    }
                },
            }
            let p = &listing.photo;
            ui.label(tr.datetime(p.taken_at));
            if !p.tags.is_empty() {
                ui.label(p.tags.join(", "));
            }
            if !listing.original_present {
                ui.weak(tr.t("gui-photos-original-missing"));
            }
            ui.weak(upload_text(tr, listing));
            ui.weak(thumbnail_text(tr, listing));
        });
    if !open {
        state.full = None;
    }
}

/// The upload state line, the same states `photo list` prints.
pub fn upload_text(tr: &Tr, listing: &PhotoListing) -> String {
    match &listing.upload {
        UploadView::Local => tr.t("gui-photos-upload-local"),
        UploadView::Uploading { percent, .. } => tr.t_args(
            "gui-photos-upload-uploading",
            &[("percent", i64::from(*percent).into())],
        ),
        UploadView::Uploaded => tr.t("gui-photos-upload-uploaded"),
        UploadView::Failed { reason } => tr.t_args(
            "gui-photos-upload-failed",
            &[("reason", reason.as_str().into())],
        ),
        UploadView::Elsewhere => tr.t("gui-photos-upload-elsewhere"),
    }
}

/// The thumbnail state line: the hub's processing, or its error.
pub fn thumbnail_text(tr: &Tr, listing: &PhotoListing) -> String {
    match (
        &listing.photo.processing_error,
        listing.photo.thumbnails_ready,
    ) {
        (Some(reason), _) => tr.t_args(
            "gui-photos-thumb-error",
            &[("reason", reason.as_str().into())],
        ),
        (None, true) => tr.t("gui-photos-processed"),
        (None, false) if listing.thumbnail_present => tr.t("gui-photos-local"),
        (None, false) => tr.t("gui-photos-thumb-pending"),
    }
}
