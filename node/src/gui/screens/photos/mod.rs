//! A patient's photos: the body map that chooses a body part (for the import and the
//! gallery's filter), the import of files picked in the in-window browser or dropped on
//! the window (linked to a visit), the gallery of local thumbnails, a full view, and
//! the comparison of one body part over time.
//!
//! Pictures arrive decoded from the backend; turning them into textures is the only
//! work done here, and it happens once per picture (thumbnails: [`thumbs`]).

mod body_map;
mod compare;
mod import;
pub mod picker;
mod thumbs;

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;

use dermis_model::photo::BodyPart;
use dermis_model::{EncounterId, PatientId, PhotoId, ValidationErrors};
use egui::load::SizedTexture;
use egui::{TextureHandle, TextureOptions, Ui, vec2};

use super::{Ctx, Nav};
use crate::gui::backend::{Command, Picture, ThumbnailKey, UiError};
use crate::gui::tr::Tr;
use crate::gui::widgets;
use crate::ops::photos::{PhotoListing, UploadView};
use crate::store::queries::EncounterRow;

const THUMB_SIZE: f32 = 160.0;
/// Full-size pictures kept as textures at once (the full view and a comparison's two).
const FULL_TEXTURES: usize = 6;
/// Height of the body map.
const MAP_HEIGHT: f32 = 330.0;

#[derive(Default)]
pub struct PhotosState {
    pub patient: Option<PatientId>,
    pub patient_name: String,
    /// The body part chosen on the map or in the list: new photos get it, and the
    /// gallery shows its photos unless `show_all`.
    pub part: Option<BodyPart>,
    pub show_all: bool,
    /// The visit new photos are linked to.
    pub visit: Option<EncounterId>,
    /// The patient's visits, newest first.
    pub visits: Vec<EncounterRow>,
    /// Files chosen or dropped, waiting for "Add".
    pub files: Vec<PathBuf>,
    pub tags: String,
    pub photos: Vec<PhotoListing>,
    pub loaded: bool,
    thumbnails: thumbs::Thumbnails,
    pub full: Option<PhotoId>,
    full_textures: HashMap<PhotoId, TextureHandle>,
    /// Oldest first: which full texture to let go of when there are too many.
    full_order: VecDeque<PhotoId>,
    full_waiting: Vec<(PhotoId, Picture)>,
    full_requested: HashSet<PhotoId>,
    /// Why a full picture could not be shown.
    full_errors: HashMap<PhotoId, UiError>,
    pub errors: ValidationErrors,
    pub error: Option<UiError>,
    pub busy: bool,
    /// How many photos the last import added, and the files it could not take.
    pub added: Option<usize>,
    pub failed: Vec<(String, UiError)>,
    pub picker: picker::PickerState,
    pub compare: Option<compare::CompareState>,
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
    pub fn open(&mut self, patient: PatientId, name: String, visit: Option<EncounterId>) {
        if self.patient != Some(patient) {
            *self = PhotosState::default();
        }
        self.patient = Some(patient);
        self.patient_name = name;
        self.added = None;
        self.failed.clear();
        if visit.is_some() {
            self.visit = visit;
        }
    }

    pub fn on_photos(
        &mut self,
        patient: PatientId,
        photos: Vec<PhotoListing>,
        visits: Vec<EncounterRow>,
    ) {
        if self.patient == Some(patient) {
            self.thumbnails.keep_only(&photos);
            self.photos = photos;
            self.visits = visits;
            self.loaded = true;
        }
    }

    pub fn on_thumbnail(&mut self, key: ThumbnailKey, picture: Picture) {
        self.thumbnails.received(key, picture);
    }

    /// Asks for the open patient's photos, and for the thumbnails not held yet.
    pub fn load(&self) -> Option<Command> {
        Some(Command::LoadPhotos {
            patient: self.patient?,
            have: self.thumbnails.held(),
        })
    }

    pub fn on_full(&mut self, id: PhotoId, picture: Result<Picture, UiError>) {
        self.full_requested.remove(&id);
        match picture {
            Ok(picture) => {
                self.full_errors.remove(&id);
                self.full_waiting.push((id, picture));
            }
            Err(error) => {
                self.full_errors.insert(id, error);
            }
        }
    }

    pub fn on_added(&mut self, added: usize, failed: Vec<(String, UiError)>) {
        self.busy = false;
        self.added = Some(added);
        self.files.clear();
        self.failed = failed;
        if added > 0 {
            self.tags.clear();
        }
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

    /// Adds files to the import (dropped, or chosen in the browser), each once.
    pub fn add_files(&mut self, files: impl IntoIterator<Item = PathBuf>) {
        for file in files {
            if !self.files.contains(&file) {
                self.files.push(file);
            }
        }
        self.added = None;
        self.failed.clear();
    }

    /// The photos the gallery shows: the chosen part's, or all.
    fn shown(&self) -> Vec<&PhotoListing> {
        self.photos
            .iter()
            .filter(|l| self.show_all || self.part.is_none_or(|p| l.photo.body_part == p))
            .collect()
    }

    /// The visit a photo belongs to, when this patient's list has it.
    fn visit_of(&self, listing: &PhotoListing) -> Option<&EncounterRow> {
        let id = listing.photo.encounter_id?.to_string();
        self.visits.iter().find(|v| v.id == id)
    }

    /// Asks for a photo's full picture unless it is here or on its way.
    fn want_full(&mut self, listing: &PhotoListing, send: &mut dyn FnMut(Command)) {
        let id = listing.photo.id;
        if self.full_textures.contains_key(&id)
            || self.full_requested.contains(&id)
            || self.full_waiting.iter().any(|(w, _)| *w == id)
        {
            return;
        }
        self.full_errors.remove(&id);
        self.full_requested.insert(id);
        send(Command::LoadPhoto {
            id,
            sha256: listing.photo.sha256.clone(),
        });
    }

    /// Turns pictures that arrived into textures.
    fn upload(&mut self, ctx: &egui::Context) {
        self.thumbnails.upload(ctx);
        for (id, picture) in std::mem::take(&mut self.full_waiting) {
            let texture = ctx.load_texture(
                format!("photo-{id}"),
                (*picture).clone(),
                TextureOptions::LINEAR,
            );
            self.full_textures.insert(id, texture);
            self.full_order.retain(|o| *o != id);
            self.full_order.push_back(id);
        }
        let mut keep: Vec<PhotoId> = self.full.into_iter().collect();
        if let Some(c) = &self.compare {
            keep.extend(c.shown(self));
        }
        while self.full_order.len() > FULL_TEXTURES {
            let Some(pos) = self.full_order.iter().position(|id| !keep.contains(id)) else {
                break;
            };
            if let Some(id) = self.full_order.remove(pos) {
                self.full_textures.remove(&id);
            }
        }
    }

    /// Opens the comparison of the part with the most photos, when one has two or more
    /// (the screenshot script's `DERMIS_GUI_SCREEN=compare`). Says whether it did.
    pub fn compare_busiest(&mut self, send: &mut dyn FnMut(Command)) -> bool {
        let mut counts: HashMap<BodyPart, usize> = HashMap::new();
        for l in &self.photos {
            *counts.entry(l.photo.body_part).or_default() += 1;
        }
        let Some((part, _)) = counts
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .max_by_key(|(p, n)| (*n, p.as_str()))
        else {
            return false;
        };
        compare::start(self, part, None, send);
        true
    }

    fn full_texture(&self, id: PhotoId) -> Option<&TextureHandle> {
        self.full_textures.get(&id)
    }

    /// What the gallery and comparison draw where a full picture is not (yet) here.
    fn full_missing_ui(&self, ui: &mut Ui, tr: &Tr, id: PhotoId) {
        match self.full_errors.get(&id) {
            Some(error) => widgets::error_line(ui, &tr.ui_error(error)),
            None => {
                ui.spinner();
            }
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
    let can_import = ctx.can(dermis_model::clinic::Permission::EditClinical);
    // Files dropped anywhere on the window join the import.
    let dropped: Vec<PathBuf> = ui.ctx().input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_owned())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    if can_import && !dropped.is_empty() {
        state.add_files(dropped);
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(MAP_HEIGHT * 0.95);
            parts_ui(ui, state, ctx);
        });
        ui.separator();
        ui.vertical(|ui| {
            egui::ScrollArea::vertical()
                .id_salt("photos-right")
                .show(ui, |ui| {
                    if state.compare.is_some() {
                        compare::compare_ui(ui, state, ctx);
                    } else {
                        if can_import {
                            import::import_ui(ui, state, patient, ctx);
                            ui.add_space(8.0);
                        }
                        gallery_ui(ui, state, ctx);
                    }
                });
        });
    });
    full_view_ui(ui, state, ctx);
    if can_import {
        picker::picker_ui(ui, state, ctx);
    }
}

/// The body map and the parts it has no region for, each with its count of photos.
fn parts_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    ui.strong(tr.t("gui-photos-map-title"));
    let mut counts: HashMap<BodyPart, usize> = HashMap::new();
    for l in &state.photos {
        *counts.entry(l.photo.body_part).or_default() += 1;
    }
    let count = |part: BodyPart| counts.get(&part).copied().unwrap_or(0);
    let out = body_map::body_map_ui(ui, tr, state.part, &count, MAP_HEIGHT);
    if let Some(part) = out.clicked {
        choose(state, part);
    }
    let mapped = body_map::mapped_parts();
    ui.horizontal_wrapped(|ui| {
        for part in BodyPart::ALL.iter().filter(|p| !mapped.contains(p)) {
            let n = count(*part);
            let name = tr.t(&part.message_id());
            let text = if n > 0 { format!("{name} ({n})") } else { name };
            if ui
                .selectable_label(state.part == Some(*part), text)
                .clicked()
            {
                choose(state, *part);
            }
        }
    });
    let chosen = match state.part {
        Some(part) => tr.t_args(
            "gui-photos-part-chosen",
            &[("name", tr.t(&part.message_id()).into())],
        ),
        None => tr.t("gui-photos-part-none"),
    };
    ui.label(chosen);
}

fn choose(state: &mut PhotosState, part: BodyPart) {
    state.part = Some(part);
    state.show_all = false;
}

/// Tags as typed: separated by commas.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn body_part_label(tr: &Tr, photo: &PhotoListing) -> String {
    tr.t(&photo.photo.body_part.message_id())
}

/// "Visit of 3 March 2026", for a photo linked to one.
fn visit_label(tr: &Tr, visit: &EncounterRow) -> String {
    tr.t_args(
        "gui-photos-visit-of",
        &[("when", tr.stored_date(&visit.date).into())],
    )
}

fn gallery_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let title = match (state.part, state.show_all) {
        (Some(part), false) => tr.t_args(
            "gui-photos-gallery-of",
            &[("name", tr.t(&part.message_id()).into())],
        ),
        _ => tr.t("gui-photos-gallery"),
    };
    widgets::section(ui, &title, |ui| {
        if !state.loaded {
            ui.spinner();
            return;
        }
        let shown: Vec<PhotoListing> = state.shown().into_iter().cloned().collect();
        ui.horizontal(|ui| {
            if state.part.is_some()
                && !state.show_all
                && ui.button(tr.t("gui-photos-show-all")).clicked()
            {
                state.show_all = true;
            }
            let series = state.part.map(|p| compare::series(&state.photos, p).len());
            if let (Some(part), Some(n)) = (state.part, series)
                && n >= 2
                && ui.button(tr.t("gui-photos-compare")).clicked()
            {
                compare::start(state, part, None, &mut |c| ctx.send(c));
            }
        });
        if shown.is_empty() {
            ui.weak(tr.t("gui-photos-none"));
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for listing in &shown {
                let caption = format!(
                    "{} · {}",
                    body_part_label(tr, listing),
                    tr.datetime(listing.photo.taken_at)
                );
                ui.vertical(|ui| {
                    ui.set_width(THUMB_SIZE + 8.0);
                    let clicked = match state.thumbnails.get(&listing.photo.id) {
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
                    if let Some(visit) = state.visit_of(listing) {
                        ui.small(visit_label(tr, visit));
                    }
                    if !listing.photo.tags.is_empty() {
                        ui.small(listing.photo.tags.join(", "));
                    }
                    ui.small(upload_text(tr, listing));
                    ui.small(thumbnail_text(tr, listing));
                    if clicked {
                        state.full = Some(listing.photo.id);
                        state.want_full(listing, &mut |c| ctx.send(c));
                    }
                });
            }
        });
    });
}

fn full_view_ui(ui: &mut Ui, state: &mut PhotosState, ctx: &mut Ctx<'_>) {
    let tr = ctx.tr;
    let Some(id) = state.full else { return };
    let Some(listing) = state.photos.iter().find(|p| p.photo.id == id).cloned() else {
        return;
    };
    let mut open = true;
    let mut compare = false;
    egui::Window::new(body_part_label(tr, &listing))
        .id(egui::Id::unique("photo-full-view"))
        .open(&mut open)
        .collapsible(false)
        .default_size([900.0, 700.0])
        .show(ui.ctx(), |ui| {
            match state.full_texture(id) {
                Some(texture) => {
                    let size = ui.available_size() - vec2(0.0, 80.0);
                    ui.add(
                        egui::Image::from_texture(SizedTexture::from(texture))
                            .max_size(size)
                            .maintain_aspect_ratio(true),
                    );
                }
                None => state.full_missing_ui(ui, tr, id),
            }
            let p = &listing.photo;
            ui.label(tr.datetime(p.taken_at));
            if let Some(visit) = state.visit_of(&listing) {
                ui.label(visit_label(tr, visit));
            }
            if !p.tags.is_empty() {
                ui.label(p.tags.join(", "));
            }
            if !listing.original_present {
                ui.weak(tr.t("gui-photos-original-missing"));
            }
            ui.weak(upload_text(tr, &listing));
            ui.weak(thumbnail_text(tr, &listing));
            if compare::series(&state.photos, p.body_part).len() >= 2 {
                compare = ui.button(tr.t("gui-photos-compare")).clicked();
            }
        });
    if compare {
        state.full = None;
        compare::start(state, listing.photo.body_part, Some(id), &mut |c| {
            ctx.send(c)
        });
    } else if !open {
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
