//! Photo metadata, inside the patient document under `photos/<id>`. The image itself is a
//! content-addressed blob (sha256) that travels on its own lane; the document records
//! what it is, where on the body, and whether the hub has made its thumbnails.

use automerge::{AutoCommit, ReadDoc};
use serde::Serialize;

use crate::doc::{self, SchemaError};
use crate::encounter::EditError;
use crate::validate::{ErrorCode, FieldError, ValidationErrors, text_field};
use crate::{EncounterId, Millis, PhotoId, UserId};

macro_rules! body_parts {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// Where on the body a photo was taken: a fixed list, translated as `body-<part>`.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum BodyPart { $($variant),* }

        impl BodyPart {
            pub const ALL: &'static [BodyPart] = &[$(BodyPart::$variant),*];

            pub fn as_str(&self) -> &'static str {
                match self { $(BodyPart::$variant => $name),* }
            }
        }
    };
}

body_parts! {
    Scalp => "scalp", Forehead => "forehead", Face => "face", Nose => "nose", Ear => "ear",
    Lip => "lip", Neck => "neck", Chest => "chest", Abdomen => "abdomen",
    UpperBack => "upper_back", LowerBack => "lower_back", Buttocks => "buttocks",
    Genitals => "genitals", Shoulder => "shoulder", UpperArm => "upper_arm", Elbow => "elbow",
    Forearm => "forearm", Wrist => "wrist", Hand => "hand", Finger => "finger", Nail => "nail",
    Hip => "hip", Thigh => "thigh", Knee => "knee", LowerLeg => "lower_leg", Ankle => "ankle",
    Foot => "foot", Toe => "toe", Mucosa => "mucosa", Other => "other",
}

impl BodyPart {
    /// Accepts `upper_back`, `upper-back` or `Upper back`.
    pub fn parse(s: &str) -> Option<BodyPart> {
        let key = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        BodyPart::ALL.iter().copied().find(|p| p.as_str() == key)
    }

    /// The Fluent message id of its label.
    pub fn message_id(&self) -> String {
        format!("body-{}", self.as_str().replace('_', "-"))
    }
}

/// The image types Dermis accepts, recognised by content, never by file name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub enum PhotoMime {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
}

impl PhotoMime {
    pub fn as_str(&self) -> &'static str {
        match self {
            PhotoMime::Jpeg => "image/jpeg",
            PhotoMime::Png => "image/png",
            PhotoMime::Webp => "image/webp",
        }
    }

    pub fn parse(s: &str) -> Option<PhotoMime> {
        [PhotoMime::Jpeg, PhotoMime::Png, PhotoMime::Webp]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    /// Recognises the type from the first bytes of the file.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoMime> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoMime::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(PhotoMime::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(PhotoMime::Webp)
        } else {
            None
        }
    }
}

/// Default cap on one photo; the node and hub both make it configurable.
pub const DEFAULT_MAX_PHOTO_BYTES: u64 = 25 * 1024 * 1024;

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Photo {
    pub id: PhotoId,
    pub sha256: String,
    pub mime: PhotoMime,
    pub size: u64,
    pub body_part: BodyPart,
    pub tags: Vec<String>,
    pub taken_at: Millis,
    pub encounter_id: Option<EncounterId>,
    pub added_by: Option<UserId>,
    /// Set by the hub once gallery and full-view thumbnails exist.
    pub thumbnails_ready: bool,
    /// Set by the hub when the image could not be processed.
    pub processing_error: Option<String>,
}

/// A photo about to be added, after its file was read and hashed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PhotoDraft {
    pub sha256: String,
    pub mime: PhotoMime,
    pub size: u64,
    pub body_part: BodyPart,
    pub tags: Vec<String>,
    pub taken_at: Millis,
    pub encounter_id: Option<EncounterId>,
}

/// Checks what the user chose (body part, tags) and what the file is (type, size).
pub fn validate_photo(
    head: &[u8],
    size: u64,
    max_bytes: u64,
    body_part: &str,
    tags: &[String],
) -> Result<(PhotoMime, BodyPart, Vec<String>), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let mime = PhotoMime::sniff(head);
    if mime.is_none() {
        e.add(
            "file",
            ErrorCode::InvalidMime,
            "the file is not a JPEG, PNG or WebP image",
        );
    }
    if size > max_bytes {
        e.push(
            FieldError::new(
                "file",
                ErrorCode::FileTooLarge,
                format!("the file has {size} bytes; the limit is {max_bytes}"),
            )
            .with_param("max", max_bytes as i64),
        );
    }
    let part = BodyPart::parse(body_part);
    if part.is_none() {
        e.add(
            "body_part",
            ErrorCode::InvalidBodyPart,
            format!("{body_part:?} is not a body part from the list"),
        );
    }
    let mut clean = Vec::new();
    for tag in tags {
        if let Some(t) = text_field(&mut e, "tags", tag, false, 40, false)
            && !clean.contains(&t)
        {
            clean.push(t);
        }
    }
    match (e.is_empty(), mime, part) {
        (true, Some(m), Some(p)) => Ok((m, p, clean)),
        _ => Err(e),
    }
}

pub fn add_photo(
    doc: &mut AutoCommit,
    id: PhotoId,
    draft: &PhotoDraft,
    added_by: Option<UserId>,
) -> Result<(), SchemaError> {
    let map = doc::ensure_map(doc, &automerge::ROOT, "photos")?;
    let obj = doc::ensure_map(doc, &map, &id.to_string())?;
    doc::put_str(doc, &obj, "sha256", &draft.sha256)?;
    doc::put_str(doc, &obj, "mime", draft.mime.as_str())?;
    doc::put_i64(
        doc,
        &obj,
        "size",
        i64::try_from(draft.size).unwrap_or(i64::MAX),
    )?;
    doc::put_str(doc, &obj, "body_part", draft.body_part.as_str())?;
    doc::put_str_list(doc, &obj, "tags", &draft.tags)?;
    doc::put_ts(doc, &obj, "taken_at", draft.taken_at)?;
    if let Some(enc) = draft.encounter_id {
        doc::put_str(doc, &obj, "encounter_id", &enc.to_string())?;
    }
    if let Some(user) = added_by {
        doc::put_str(doc, &obj, "added_by", &user.to_string())?;
    }
    doc::put_bool(doc, &obj, "thumbnails_ready", false)?;
    Ok(())
}

/// Updates the editable metadata of a photo.
pub fn update_photo(
    doc: &mut AutoCommit,
    id: PhotoId,
    body_part: BodyPart,
    tags: &[String],
) -> Result<(), EditError> {
    let obj = photo_obj(doc, id)?;
    doc::put_str(doc, &obj, "body_part", body_part.as_str())?;
    doc::put_str_list(doc, &obj, "tags", tags)?;
    Ok(())
}

/// Records the hub's thumbnail job outcome.
pub fn set_processing_result(
    doc: &mut AutoCommit,
    id: PhotoId,
    result: Result<(), &str>,
) -> Result<(), EditError> {
    let obj = photo_obj(doc, id)?;
    match result {
        Ok(()) => {
            doc::put_bool(doc, &obj, "thumbnails_ready", true)?;
            doc::put_opt_str(doc, &obj, "processing_error", None)?;
        }
        Err(reason) => doc::put_str(doc, &obj, "processing_error", reason)?,
    }
    Ok(())
}

fn photo_obj(doc: &AutoCommit, id: PhotoId) -> Result<automerge::ObjId, EditError> {
    let map = doc::map_at(doc, &automerge::ROOT, "photos")?;
    match map
        .map(|m| doc::map_at(doc, &m, &id.to_string()))
        .transpose()?
        .flatten()
    {
        Some(obj) => Ok(obj),
        None => Err(ValidationErrors::single(
            "photo",
            ErrorCode::InvalidId,
            format!("no photo {id} for this patient"),
        )
        .into()),
    }
}

/// Every photo of the patient, newest first.
pub fn read_photos(doc: &impl ReadDoc) -> Result<Vec<Photo>, SchemaError> {
    let Some(map) = doc::map_at(doc, &automerge::ROOT, "photos")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (key, obj) in doc::map_entries(doc, &map)? {
        let invalid = |field: &str| SchemaError::Invalid {
            field: format!("photos.{key}.{field}"),
        };
        let f = doc::fields(doc, &obj)?;
        out.push(Photo {
            id: key.parse().map_err(|_| invalid("id"))?,
            sha256: f.required_str("sha256")?,
            mime: PhotoMime::parse(&f.required_str("mime")?).ok_or_else(|| invalid("mime"))?,
            size: f.u64("size")?.unwrap_or(0),
            body_part: f
                .str("body_part")?
                .and_then(|s| BodyPart::parse(&s))
                .unwrap_or(BodyPart::Other),
            tags: f.str_list("tags")?,
            taken_at: f.i64("taken_at")?.unwrap_or(0),
            encounter_id: f.str("encounter_id")?.and_then(|s| s.parse().ok()),
            added_by: f.str("added_by")?.and_then(|s| s.parse().ok()),
            thumbnails_ready: f.bool("thumbnails_ready")?.unwrap_or(false),
            processing_error: f.str("processing_error")?,
        });
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_content() {
        assert_eq!(
            PhotoMime::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(PhotoMime::Jpeg)
        );
        assert_eq!(
            PhotoMime::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(PhotoMime::Png)
        );
        assert_eq!(
            PhotoMime::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(PhotoMime::Webp)
        );
        assert_eq!(PhotoMime::sniff(b"GIF89a"), None);
        assert_eq!(PhotoMime::sniff(b""), None);
    }

    #[test]
    fn body_parts_parse_in_several_spellings() {
        assert_eq!(BodyPart::parse("Upper back"), Some(BodyPart::UpperBack));
        assert_eq!(BodyPart::parse("lower-leg"), Some(BodyPart::LowerLeg));
        assert_eq!(BodyPart::parse("tail"), None);
        assert_eq!(BodyPart::UpperBack.message_id(), "body-upper-back");
        assert_eq!(BodyPart::ALL.len(), 30);
    }

    #[test]
    fn oversized_and_foreign_files_are_refused_with_both_reasons() {
        let errors = validate_photo(
            b"GIF89a",
            30 * 1024 * 1024,
            DEFAULT_MAX_PHOTO_BYTES,
            "tail",
            &[],
        )
        .unwrap_err();
        let codes: Vec<_> = errors.0.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec![
                ErrorCode::InvalidMime,
                ErrorCode::FileTooLarge,
                ErrorCode::InvalidBodyPart
            ]
        );
        let ok = validate_photo(
            &[0xFF, 0xD8, 0xFF],
            10,
            DEFAULT_MAX_PHOTO_BYTES,
            "face",
            &["a".into(), "a".into()],
        )
        .expect("valid");
        assert_eq!(ok, (PhotoMime::Jpeg, BodyPart::Face, vec!["a".to_owned()]));
    }
}
