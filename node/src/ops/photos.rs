//! Skin photos on this node: the import path shared by the CLI and the desktop app.
//!
//! An import checks what the user chose and what the file is, keeps the original as a
//! content-addressed blob (`<data_dir>/blobs/<first 2 hex>/<sha256>`), makes the local
//! gallery thumbnail (`<data_dir>/thumbs/<sha256>.jpg`) and records the photo in the
//! patient document. Both files are sealed ([`crate::atrest::seal`]). Every check runs before anything is written, and files are written
//! to a temporary name and renamed, so a failure leaves no half-stored photo. Uploading
//! blobs to the hub, and the hub's own thumbnails, belong to the sync lane, not here.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use dermis_model::clinic::Permission;
use dermis_model::photo::{self, Photo, PhotoDraft};
use dermis_model::{DocType, EncounterId, ErrorCode, PatientId, PhotoId};
use image::{DynamicImage, ImageDecoder, ImageReader};
use serde::Serialize;
use sha2::{Digest, Sha256};

use dermis_model::audit::AuditAction;

use super::{audit, unknown};
use crate::atrest::seal;
use crate::node::{Node, OpError, Session, doc_error, now};
use crate::store::photo_uploads as uploads;
use crate::store::queries;
use crate::sync::photos::upload::{UploadRow, UploadState};

/// Longest side of a local gallery thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
const THUMBNAIL_QUALITY: u8 = 80;

/// The environment variable that overrides [`photo::DEFAULT_MAX_PHOTO_BYTES`].
pub const MAX_BYTES_ENV: &str = "DERMIS_MAX_PHOTO_BYTES";

/// Why a photo was not imported. Nothing is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error(transparent)]
    Op(#[from] OpError),
    /// The file the user named could not be read: bad input, reported on the `file` field.
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The file looks like an image but does not decode: bad input on the `file` field.
    #[error("{path} is not a readable image")]
    Undecodable {
        path: PathBuf,
        #[source]
        source: image::ImageError,
    },
    /// The node's own blob or thumbnail folder could not be written.
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot make a thumbnail")]
    Thumbnail {
        #[source]
        source: image::ImageError,
    },
}

impl PhotoError {
    /// The form field a user must fix, when the error is about their input.
    pub fn field(&self) -> Option<&str> {
        match self {
            PhotoError::Op(OpError::Invalid(errors)) => errors.0.first().map(|e| e.field.as_str()),
            PhotoError::Read { .. } | PhotoError::Undecodable { .. } => Some("file"),
            _ => None,
        }
    }
}

/// What the user asked to import.
#[derive(Clone, Debug)]
pub struct PhotoImport {
    pub patient: PatientId,
    pub file: PathBuf,
    /// A body part code or label (`upper_back`, `Upper back`).
    pub body_part: String,
    pub tags: Vec<String>,
    pub encounter: Option<EncounterId>,
}

/// The size cap: `DERMIS_MAX_PHOTO_BYTES` when it holds a positive number, else the
/// default the hub also uses.
pub fn max_bytes_from_env() -> u64 {
    std::env::var(MAX_BYTES_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(photo::DEFAULT_MAX_PHOTO_BYTES)
}

/// Where the original of a photo is kept.
pub fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("00");
    data_dir.join("blobs").join(prefix).join(sha256)
}

/// Where the local gallery thumbnail of a photo is kept.
pub fn thumb_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("thumbs").join(format!("{sha256}.jpg"))
}

/// Imports a photo for a patient and returns its id.
pub fn add(
    node: &mut Node,
    session: &Session,
    input: &PhotoImport,
    max_bytes: u64,
) -> Result<PhotoId, PhotoError> {
    session.require(Permission::EditClinical)?;
    check_targets(node, input)?;
    let bytes = read_checked(input, max_bytes)?;
    let (mime, body_part, tags) = photo::validate_photo(
        &bytes,
        bytes.len() as u64,
        max_bytes,
        &input.body_part,
        &input.tags,
    )
    .map_err(OpError::Invalid)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let image = decode(&bytes).map_err(|source| PhotoError::Undecodable {
        path: input.file.clone(),
        source,
    })?;
    let thumbnail = encode_thumbnail(&image)?;

    let data_dir = node.data_dir().to_owned();
    let blob = blob_path(&data_dir, &sha256);
    let thumb = thumb_path(&data_dir, &sha256);
    let new_blob = write_once(&data_dir, &blob, &bytes)?;
    let new_thumb = match write_once(&data_dir, &thumb, &thumbnail) {
        Ok(created) => created,
        Err(e) => {
            forget(new_blob, &blob);
            return Err(e);
        }
    };
    let draft = PhotoDraft {
        sha256,
        mime,
        size: bytes.len() as u64,
        body_part,
        tags,
        taken_at: now(),
        encounter_id: input.encounter,
    };
    let id = PhotoId::new();
    match record(node, session, input.patient, id, &draft) {
        Ok(()) => Ok(id),
        Err(e) => {
            // Files this call created would be referenced by nothing: take them back.
            forget(new_blob, &blob);
            forget(new_thumb, &thumb);
            Err(e.into())
        }
    }
}

fn check_targets(node: &Node, input: &PhotoImport) -> Result<(), OpError> {
    let patient = input.patient.to_string();
    if queries::patient_by_id(node.store.conn(), &patient)?.is_none() {
        return Err(unknown("patient", ErrorCode::UnknownPatient, input.patient));
    }
    if let Some(encounter) = input.encounter {
        let owner = queries::patient_of_encounter(node.store.conn(), &encounter.to_string())?;
        if owner.as_deref() != Some(patient.as_str()) {
            return Err(unknown("encounter", ErrorCode::UnknownEncounter, encounter));
        }
    }
    Ok(())
}

/// Reads the file, refusing before reading it whole when it is over the cap or is not an
/// image (a wrong file is named with every reason at once, as the model validates).
fn read_checked(input: &PhotoImport, max_bytes: u64) -> Result<Vec<u8>, PhotoError> {
    let read_err = |source| PhotoError::Read {
        path: input.file.clone(),
        source,
    };
    let mut file = File::open(&input.file).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    let mut head = [0u8; 16];
    let n = read_up_to(&mut file, &mut head).map_err(read_err)?;
    if size > max_bytes || photo::PhotoMime::sniff(&head[..n]).is_none() {
        photo::validate_photo(&head[..n], size, max_bytes, &input.body_part, &input.tags)
            .map_err(OpError::Invalid)?;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    bytes.extend_from_slice(&head[..n]);
    // One byte past the cap is enough to know a growing file is too large.
    file.take(max_bytes.saturating_add(1).saturating_sub(n as u64))
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    Ok(bytes)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Decodes an image with its EXIF orientation applied, so a phone photo taken sideways
/// shows upright. Unreadable EXIF is ignored: the pixels are what matter.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, image::ImageError> {
    let reader = ImageReader::new(io::Cursor::new(bytes)).with_guessed_format()?;
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// A JPEG of at most [`THUMBNAIL_SIDE`] pixels on its longest side.
pub fn encode_thumbnail(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let small = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).into_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, THUMBNAIL_QUALITY)
        .encode_image(&small)
        .map_err(|source| PhotoError::Thumbnail { source })?;
    Ok(out)
}

/// Writes `bytes` sealed to `path` unless it exists already (content-addressed: same
/// name, same bytes). Returns whether this call created it.
fn write_once(data_dir: &Path, path: &Path, bytes: &[u8]) -> Result<bool, PhotoError> {
    if path.is_file() {
        return Ok(false);
    }
    seal::store_file(data_dir, path, bytes).map_err(|source| PhotoError::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(true)
}

/// Temporary file in the same folder, fsync, rename, fsync of the folder: after a crash
/// the file is either whole under its name or absent. Plain: only for files the user
/// asked for outside the data dir; patient files in it go through [`seal::store_file`].
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent folder"))?;
    // A bare file name (`--out mole.jpg`) is in the current folder.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let result = (|| {
        let mut file = File::create_new(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

fn forget(created: bool, path: &Path) {
    if created && let Err(error) = fs::remove_file(path) {
        tracing::warn!(%error, "could not remove an unreferenced photo file");
    }
}

fn record(
    node: &mut Node,
    session: &Session,
    patient: PatientId,
    id: PhotoId,
    draft: &PhotoDraft,
) -> Result<(), OpError> {
    let who = audit::Actor::of(node, session);
    let mut tx = node.begin(session)?;
    let doc = tx
        .edit(patient.into())?
        .ok_or_else(|| unknown("patient", ErrorCode::UnknownPatient, patient))?;
    dermis_model::doc::expect_type(doc, DocType::Patient)
        .map_err(|_| unknown("patient", ErrorCode::UnknownPatient, patient))?;
    photo::add_photo(doc, id, draft, session.user_id()).map_err(doc_error(patient.into()))?;
    // What the node owes the hub, in the same transaction: never a photo without it.
    uploads::insert_new(
        tx.sql(),
        &id.to_string(),
        &patient.to_string(),
        &draft.sha256,
        draft.size,
        tx.now(),
    )?;
    audit::in_tx(
        &mut tx,
        &who,
        AuditAction::Create,
        audit::in_chart("photo", id, patient),
    )?;
    tx.commit()?;
    Ok(())
}

/// A photo as the gallery and `photo list` show it: the document's metadata (with the
/// hub's `thumbnails_ready` and `processing_error`), what this node holds of it, and how
/// far its upload is.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct PhotoListing {
    #[serde(flatten)]
    pub photo: Photo,
    /// The original is in this node's blob folder.
    pub original_present: bool,
    /// The local gallery thumbnail exists.
    pub thumbnail_present: bool,
    pub upload: UploadView,
}

/// The upload of a photo as users see it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UploadView {
    /// Imported here; nothing sent yet.
    Local,
    Uploading {
        acked: u64,
        size: u64,
        percent: u8,
    },
    Uploaded,
    /// Refused by the hub for good.
    Failed {
        reason: String,
    },
    /// Taken on another node: this node owes the hub nothing.
    Elsewhere,
}

impl UploadView {
    pub fn of(row: Option<&UploadRow>) -> UploadView {
        let Some(r) = row else {
            return UploadView::Elsewhere;
        };
        match r.state {
            UploadState::Local if r.acked == 0 => UploadView::Local,
            UploadState::Local | UploadState::Uploading => UploadView::Uploading {
                acked: r.acked,
                size: r.size,
                percent: (r.acked.min(r.size) * 100).checked_div(r.size).unwrap_or(0) as u8,
            },
            UploadState::Uploaded => UploadView::Uploaded,
            UploadState::Failed => UploadView::Failed {
                reason: r.last_error.clone().unwrap_or_default(),
            },
        }
    }
}

/// The patient's photos, newest first.
pub fn list(
    node: &mut Node,
    session: &Session,
    patient: PatientId,
) -> Result<Vec<PhotoListing>, OpError> {
    session.require(Permission::ViewClinical)?;
    let p = super::patients::get(node, session, patient)?;
    let data_dir = node.data_dir().to_owned();
    // The record's photos include those of records merged into it.
    let mut rows = uploads::for_patient(node.store.conn(), &p.id.to_string())?;
    for merged in super::merges::merged_from(node, p.id)? {
        rows.extend(uploads::for_patient(
            node.store.conn(),
            &merged.to_string(),
        )?);
    }
    Ok(p.photos
        .into_iter()
        .map(|photo| PhotoListing {
            original_present: blob_path(&data_dir, &photo.sha256).is_file(),
            thumbnail_present: thumb_path(&data_dir, &photo.sha256).is_file(),
            upload: UploadView::of(rows.get(&photo.id.to_string())),
            photo,
        })
        .collect())
}

/// The local thumbnail of a photo, made again from the original when it is missing.
pub fn thumbnail_bytes(data_dir: &Path, sha256: &str) -> Result<Vec<u8>, PhotoError> {
    let thumb = thumb_path(data_dir, sha256);
    match seal::load_file(data_dir, &thumb) {
        Ok(bytes) => return Ok(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(PhotoError::Read {
                path: thumb,
                source,
            });
        }
    }
    let blob = blob_path(data_dir, sha256);
    let original = seal::load_file(data_dir, &blob).map_err(|source| PhotoError::Read {
        path: blob.clone(),
        source,
    })?;
    let image =
        decode(&original).map_err(|source| PhotoError::Undecodable { path: blob, source })?;
    let bytes = encode_thumbnail(&image)?;
    write_once(data_dir, &thumb, &bytes)?;
    Ok(bytes)
}
