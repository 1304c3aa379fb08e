//! The gallery's thumbnail textures, kept across refreshes. Each is keyed by its photo
//! and the content it was made from ([`ThumbnailKey`]); the screen names the ones it
//! holds when it asks for the list again, so the worker decodes only new or changed
//! photos. A store change while a sync runs refreshes the screen up to once a second:
//! decoding every thumbnail each time kept the worker busy for nothing.
//!
//! Bounded by the open patient: a new list lets go of the textures of photos no longer
//! in it, and opening another patient starts empty.

use std::collections::HashMap;

use dermis_model::PhotoId;
use egui::{TextureHandle, TextureOptions};

use crate::gui::backend::{Picture, ThumbnailKey};
use crate::ops::photos::PhotoListing;

struct Thumb {
    sha256: String,
    texture: TextureHandle,
}

#[derive(Default)]
pub(super) struct Thumbnails {
    textures: HashMap<PhotoId, Thumb>,
    /// Decoded and sent by the worker, not yet made into textures (at the next frame).
    waiting: Vec<(ThumbnailKey, Picture)>,
}

impl Thumbnails {
    pub fn received(&mut self, key: ThumbnailKey, picture: Picture) {
        self.waiting.retain(|(k, _)| k.id != key.id);
        self.waiting.push((key, picture));
    }

    /// Turns the pictures that arrived into textures.
    pub fn upload(&mut self, ctx: &egui::Context) {
        for (key, picture) in self.waiting.drain(..) {
            let texture = ctx.load_texture(
                format!("thumb-{}", key.id),
                (*picture).clone(),
                TextureOptions::LINEAR,
            );
            self.textures.insert(
                key.id,
                Thumb {
                    sha256: key.sha256,
                    texture,
                },
            );
        }
    }

    /// Lets go of the textures (and pictures on their way) of photos that are not in
    /// `listed`, or whose content changed.
    pub fn keep_only(&mut self, listed: &[PhotoListing]) {
        let fits = |id: &PhotoId, sha256: &str| {
            listed
                .iter()
                .any(|l| l.photo.id == *id && l.photo.sha256 == sha256)
        };
        self.textures.retain(|id, t| fits(id, &t.sha256));
        self.waiting.retain(|(k, _)| fits(&k.id, &k.sha256));
    }

    /// What the screen holds or is about to: the worker need not decode these again.
    pub fn held(&self) -> Vec<ThumbnailKey> {
        self.textures
            .iter()
            .map(|(id, t)| ThumbnailKey {
                id: *id,
                sha256: t.sha256.clone(),
            })
            .chain(self.waiting.iter().map(|(k, _)| k.clone()))
            .collect()
    }

    pub fn get(&self, id: &PhotoId) -> Option<&TextureHandle> {
        self.textures.get(id).map(|t| &t.texture)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use dermis_model::photo::{BodyPart, Photo, PhotoMime};

    use super::*;
    use crate::ops::photos::UploadView;

    fn listing(id: PhotoId, sha256: &str) -> PhotoListing {
        PhotoListing {
            photo: Photo {
                id,
                sha256: sha256.into(),
                mime: PhotoMime::Png,
                size: 1,
                body_part: BodyPart::Face,
                tags: Vec::new(),
                taken_at: 0,
                encounter_id: None,
                added_by: None,
                thumbnails_ready: false,
                processing_error: None,
            },
            original_present: true,
            thumbnail_present: true,
            upload: UploadView::Local,
        }
    }

    fn key(id: PhotoId, sha256: &str) -> ThumbnailKey {
        ThumbnailKey {
            id,
            sha256: sha256.into(),
        }
    }

    fn picture() -> Picture {
        Arc::new(egui::ColorImage::filled([2, 2], egui::Color32::RED))
    }

    #[test]
    fn held_thumbnails_follow_the_list_and_its_content() {
        let ctx = egui::Context::default();
        let (a, b, c) = (PhotoId::new(), PhotoId::new(), PhotoId::new());
        let mut thumbs = Thumbnails::default();
        thumbs.received(key(a, "aa"), picture());
        thumbs.received(key(b, "bb"), picture());
        thumbs.upload(&ctx);
        thumbs.received(key(c, "cc"), picture());
        let mut held = thumbs.held();
        held.sort_by_key(|k| k.sha256.clone());
        assert_eq!(
            held,
            vec![key(a, "aa"), key(b, "bb"), key(c, "cc")],
            "textures and pictures on their way alike"
        );

        // B left the list; A's content changed under the same id; C is still on its way.
        thumbs.keep_only(&[listing(a, "a2"), listing(c, "cc")]);
        assert_eq!(thumbs.held(), vec![key(c, "cc")]);
        assert!(thumbs.get(&a).is_none() && thumbs.get(&b).is_none());
        thumbs.upload(&ctx);
        assert!(thumbs.get(&c).is_some());
    }
}
