//! Decoding and thumbnails: EXIF orientation applied, a pixel budget checked from the
//! header before any pixel is decoded (a small file can declare a gigapixel image), and
//! the two JPEG sizes the gallery and the full view show. CPU-bound: callers run these
//! on a blocking thread.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

/// Longest side of the gallery thumbnail.
pub const GALLERY_SIDE: u32 = 320;
/// Longest side of the full-view image.
pub const FULL_SIDE: u32 = 1600;
pub use crate::state::DEFAULT_MAX_PIXELS;
/// Longest side of any image decoded.
const MAX_SIDE: u32 = 30_000;

const GALLERY_QUALITY: u8 = 80;
const FULL_QUALITY: u8 = 85;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The header declares more pixels than the budget allows.
    #[error("the image is {width}x{height} pixels, over the limit of {max_pixels} pixels")]
    TooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    /// Not a readable image (truncated, corrupt, or a format we do not decode).
    #[error("the image cannot be decoded")]
    Corrupt {
        #[source]
        source: image::ImageError,
    },
    #[error("encoding the image")]
    Encode {
        #[source]
        source: image::ImageError,
    },
}

impl ImageError {
    /// A short reason safe to show an admin and record in the patient document: it says
    /// what is wrong with the file, never what is in it.
    pub fn reason(&self) -> String {
        match self {
            ImageError::TooLarge { .. } => self.to_string(),
            ImageError::Corrupt { source } => format!("the image cannot be decoded: {source}"),
            ImageError::Encode { source } => format!("the image cannot be encoded: {source}"),
        }
    }

    /// Whether trying again cannot help (the file itself is the problem).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, ImageError::Encode { .. })
    }
}

fn corrupt(source: image::ImageError) -> ImageError {
    ImageError::Corrupt { source }
}

/// A decoder for `bytes` with the limits applied and the pixel budget checked.
fn decoder(bytes: &[u8], max_pixels: u64) -> Result<impl ImageDecoder + '_, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| corrupt(image::ImageError::IoError(e)))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Up to 8 bytes a pixel (16-bit RGBA) for the decoded image, plus working space.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooLarge {
            width: 0,
            height: 0,
            max_pixels,
        },
        other => corrupt(other),
    })?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageError::TooLarge {
            width,
            height,
            max_pixels,
        });
    }
    Ok(decoder)
}

/// The EXIF orientation `bytes` declares (1 when none or unreadable).
pub fn orientation(bytes: &[u8]) -> image::metadata::Orientation {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format();
    reader
        .ok()
        .and_then(|r| r.into_decoder().ok())
        .and_then(|mut d| d.orientation().ok())
        .unwrap_or(image::metadata::Orientation::NoTransforms)
}

/// Decodes with the EXIF orientation applied, so a photo taken sideways is upright.
pub fn decode_upright(bytes: &[u8], max_pixels: u64) -> Result<DynamicImage, ImageError> {
    let mut decoder = decoder(bytes, max_pixels)?;
    // Unreadable EXIF is ignored: the pixels are what matter.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// `image` shrunk to fit `side` x `side` (never enlarged), flattened onto white.
fn fit(image: &DynamicImage, side: u32) -> RgbImage {
    let small = if image.width() > side || image.height() > side {
        // Area averaging: as good as a triangle filter when shrinking a lot, and several
        // times faster on a 12 MP photo.
        image.thumbnail(side, side)
    } else {
        image.clone()
    };
    if !small.color().has_alpha() {
        return small.into_rgb8();
    }
    let rgba = small.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])])
    })
}

pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .map_err(|source| ImageError::Encode { source })?;
    Ok(out)
}

/// The two sizes the thumbnail job stores, as JPEG.
#[derive(Clone, Debug)]
pub struct Thumbnails {
    pub gallery: Vec<u8>,
    pub full: Vec<u8>,
}

/// Decodes `bytes` upright and makes the full-view and gallery JPEGs (metadata-free:
/// they are new files).
pub fn thumbnails(bytes: &[u8], max_pixels: u64) -> Result<Thumbnails, ImageError> {
    let image = decode_upright(bytes, max_pixels)?;
    let full = fit(&image, FULL_SIDE);
    drop(image);
    let gallery = fit(&DynamicImage::ImageRgb8(full.clone()), GALLERY_SIDE);
    Ok(Thumbnails {
        full: encode_jpeg(&full, FULL_QUALITY)?,
        gallery: encode_jpeg(&gallery, GALLERY_QUALITY)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        encode_jpeg(&img, 90).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn thumbnails_fit_their_sides_and_keep_the_aspect() {
        let t = thumbnails(&jpeg(2000, 1000), DEFAULT_MAX_PIXELS).unwrap_or_else(|e| panic!("{e}"));
        let full = image::load_from_memory(&t.full).unwrap_or_else(|e| panic!("{e}"));
        let gallery = image::load_from_memory(&t.gallery).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(full.dimensions(), (1600, 800));
        assert_eq!(gallery.dimensions(), (320, 160));
        // A small image is not enlarged.
        let t = thumbnails(&jpeg(200, 100), DEFAULT_MAX_PIXELS).unwrap_or_else(|e| panic!("{e}"));
        let full = image::load_from_memory(&t.full).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(full.dimensions(), (200, 100));
    }

    #[test]
    fn a_corrupt_image_is_a_permanent_error() {
        let mut bytes = jpeg(64, 64);
        bytes.truncate(200);
        let e = thumbnails(&bytes, DEFAULT_MAX_PIXELS).err();
        assert!(matches!(e, Some(ImageError::Corrupt { .. })), "{e:?}");
        assert!(e.is_some_and(|e| e.is_permanent()));
        let e = thumbnails(b"\xFF\xD8\xFFnot really a jpeg", DEFAULT_MAX_PIXELS).err();
        assert!(matches!(e, Some(ImageError::Corrupt { .. })), "{e:?}");
    }

    /// A PNG whose header declares `width` x `height` with almost no data: a
    /// decompression bomb's opening.
    fn declared_png(width: u32, height: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(b"IEND", &[]);
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let bomb = declared_png(25_000, 25_000);
        assert!(bomb.len() < 100);
        let e = thumbnails(&bomb, DEFAULT_MAX_PIXELS).err();
        assert!(matches!(e, Some(ImageError::TooLarge { .. })), "{e:?}");
        // The budget is what decides, not the file size.
        let e = thumbnails(&jpeg(400, 300), 100_000).err();
        assert!(
            matches!(
                e,
                Some(ImageError::TooLarge {
                    width: 400,
                    height: 300,
                    ..
                })
            ),
            "{e:?}"
        );
    }
}
