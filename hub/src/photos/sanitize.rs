//! Originals as the hub serves them: without EXIF, GPS, XMP, IPTC or text metadata.
//! A phone photo carries where and when it was taken and on which device; in a clinic
//! that is patient data and leaves the hub only as pixels.
//!
//! The file is rewritten structure by structure, so the pixels are untouched:
//! - JPEG: every APPn segment is dropped except APP0 `JFIF`/`JFXX`, APP2 `ICC_PROFILE`
//!   (colour) and APP14 `Adobe` (colour transform); comments (COM) too, and anything
//!   after the end of the image (phones append preview images there).
//! - PNG: the `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks are dropped, and anything
//!   after `IEND`.
//! - WebP: the `EXIF` and `XMP ` chunks are dropped and their VP8X flags cleared.
//!
//! When the EXIF orientation is not 1 (the pixels are stored sideways), dropping EXIF
//! would show the photo sideways: such a file is decoded, turned upright and encoded
//! again in its own format instead (new files carry no metadata).

use std::io::Cursor;

use dermis_model::photo::PhotoMime;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat};

use super::image::{ImageError, decode_upright, encode_jpeg, orientation};

/// Quality of a JPEG original encoded again to turn it upright.
const UPRIGHT_QUALITY: u8 = 92;

#[derive(Debug, thiserror::Error)]
pub enum SanitizeError {
    #[error("malformed {format}: {what}")]
    Malformed {
        format: &'static str,
        what: &'static str,
    },
    #[error(transparent)]
    Image(#[from] ImageError),
}

fn malformed(format: &'static str, what: &'static str) -> SanitizeError {
    SanitizeError::Malformed { format, what }
}

/// `bytes` (an original of type `mime`) without metadata, upright.
pub fn sanitize(bytes: &[u8], mime: PhotoMime, max_pixels: u64) -> Result<Vec<u8>, SanitizeError> {
    if orientation(bytes) != Orientation::NoTransforms {
        return upright(bytes, mime, max_pixels);
    }
    match mime {
        PhotoMime::Jpeg => strip_jpeg(bytes),
        PhotoMime::Png => strip_png(bytes),
        PhotoMime::Webp => strip_webp(bytes),
    }
}

/// Decoded upright and encoded again in its own format.
fn upright(bytes: &[u8], mime: PhotoMime, max_pixels: u64) -> Result<Vec<u8>, SanitizeError> {
    let image = decode_upright(bytes, max_pixels)?;
    let encode = |image: DynamicImage, format| {
        let mut out = Cursor::new(Vec::new());
        image
            .write_to(&mut out, format)
            .map_err(|source| ImageError::Encode { source })?;
        Ok::<_, SanitizeError>(out.into_inner())
    };
    match mime {
        PhotoMime::Jpeg => Ok(encode_jpeg(&image.into_rgb8(), UPRIGHT_QUALITY)?),
        PhotoMime::Png => encode(image, ImageFormat::Png),
        // The WebP encoder takes 8-bit RGB(A) only.
        PhotoMime::Webp => encode(
            DynamicImage::ImageRgba8(image.into_rgba8()),
            ImageFormat::WebP,
        ),
    }
}

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn keep_jpeg_segment(marker: u8, payload: &[u8]) -> bool {
    match marker {
        0xE0 => payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0"),
        0xEE => payload.starts_with(b"Adobe"),
        0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
        0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
        _ => true,
    }
}

/// See the module documentation.
pub fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, SanitizeError> {
    const F: &str = "JPEG";
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(malformed(F, "no start of image"));
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        if b.get(i) != Some(&0xFF) {
            return Err(malformed(F, "expected a marker"));
        }
        // Fill bytes before a marker.
        while b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let Some(&marker) = b.get(i + 1) else {
            return Err(malformed(F, "truncated before the end of image"));
        };
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i += 2;
                continue;
            }
            0xD8 | 0x00 => return Err(malformed(F, "unexpected marker")),
            _ => {}
        }
        let len = be16(b, i + 2).ok_or_else(|| malformed(F, "truncated segment"))?;
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return Err(malformed(F, "segment runs past the end"));
        }
        if keep_jpeg_segment(marker, &b[i + 4..end]) {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if marker == 0xDA {
            // Entropy-coded data up to the next marker that is not a stuffed 0xFF00 or
            // a restart marker.
            let start = i;
            loop {
                match (b.get(i), b.get(i + 1)) {
                    (Some(0xFF), Some(&m)) if m != 0x00 && !(0xD0..=0xD7).contains(&m) => break,
                    (Some(_), Some(_)) => i += 1,
                    _ => return Err(malformed(F, "truncated scan")),
                }
            }
            out.extend_from_slice(&b[start..i]);
        }
    }
}

/// See the module documentation.
pub fn strip_png(b: &[u8]) -> Result<Vec<u8>, SanitizeError> {
    const F: &str = "PNG";
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !b.starts_with(SIGNATURE) {
        return Err(malformed(F, "no signature"));
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIGNATURE);
    let mut i = SIGNATURE.len();
    loop {
        let header = b
            .get(i..i + 8)
            .ok_or_else(|| malformed(F, "truncated before IEND"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = i
            .checked_add(12)
            .and_then(|e| e.checked_add(len))
            .filter(|e| *e <= b.len())
            .ok_or_else(|| malformed(F, "chunk runs past the end"))?;
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
}

/// See the module documentation.
pub fn strip_webp(b: &[u8]) -> Result<Vec<u8>, SanitizeError> {
    const F: &str = "WebP";
    if b.len() < 12 || &b[0..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return Err(malformed(F, "no RIFF WEBP header"));
    }
    let riff_len = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    let end = 8usize
        .checked_add(riff_len)
        .filter(|e| *e <= b.len())
        .ok_or_else(|| malformed(F, "RIFF size runs past the end"))?;
    let mut body = Vec::with_capacity(end);
    let mut i = 12;
    while i < end {
        let header = b
            .get(i..i + 8)
            .filter(|_| i + 8 <= end)
            .ok_or_else(|| malformed(F, "truncated chunk header"))?;
        let kind: [u8; 4] = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let data_end = (i + 8)
            .checked_add(len)
            .filter(|e| *e <= end)
            .ok_or_else(|| malformed(F, "chunk runs past the end"))?;
        // Chunks are padded to an even size; a missing final pad byte is tolerated.
        let next = (data_end + (len & 1)).min(end);
        match &kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let mut chunk = b[i..next].to_vec();
                if let Some(flags) = chunk.get_mut(8) {
                    *flags &= !(0x08 | 0x04);
                }
                body.extend_from_slice(&chunk);
            }
            _ => body.extend_from_slice(&b[i..next]),
        }
        i = next;
    }
    let mut out = Vec::with_capacity(body.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(
        &u32::try_from(body.len() + 4)
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photos::image::DEFAULT_MAX_PIXELS;
    use crate::photos::testimg;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_jpeg_loses_exif_gps_xmp_iptc_and_comments_but_keeps_its_pixels() {
        let plain = testimg::jpeg(64, 32);
        let tagged = testimg::with_metadata(&plain, 1);
        assert!(contains(&tagged, b"Exif") && contains(&tagged, b"GPS-SECRET"));
        let clean = sanitize(&tagged, PhotoMime::Jpeg, DEFAULT_MAX_PIXELS)
            .unwrap_or_else(|e| panic!("{e}"));
        for needle in [
            &b"Exif"[..],
            b"GPS-SECRET",
            b"xmpmeta",
            b"Photoshop",
            b"a comment",
        ] {
            assert!(
                !contains(&clean, needle),
                "{:?} left",
                String::from_utf8_lossy(needle)
            );
        }
        // Orientation 1: the same bytes as the file without the metadata.
        assert_eq!(clean, plain);
    }

    #[test]
    fn a_sideways_jpeg_is_served_upright() {
        // 40 wide, 20 high, left half red; orientation 6 says "turn 90° clockwise".
        let tagged = testimg::with_metadata(&testimg::halves(40, 20), 6);
        let clean = sanitize(&tagged, PhotoMime::Jpeg, DEFAULT_MAX_PIXELS)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!contains(&clean, b"Exif") && !contains(&clean, b"GPS-SECRET"));
        let img = image::load_from_memory(&clean).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((img.width(), img.height()), (20, 40));
        let rgb = img.into_rgb8();
        // Turned clockwise, the left (red) half is on top.
        assert!(
            testimg::is_red(rgb.get_pixel(10, 5).0),
            "{:?}",
            rgb.get_pixel(10, 5)
        );
        assert!(!testimg::is_red(rgb.get_pixel(10, 35).0));
    }

    #[test]
    fn a_png_loses_its_text_time_and_exif_chunks() {
        let tagged = testimg::png_with_metadata(16, 16);
        assert!(contains(&tagged, b"GPS-SECRET"));
        let clean =
            sanitize(&tagged, PhotoMime::Png, DEFAULT_MAX_PIXELS).unwrap_or_else(|e| panic!("{e}"));
        for needle in [
            &b"GPS-SECRET"[..],
            b"tEXt",
            b"tIME",
            b"eXIf",
            b"iTXt",
            b"zTXt",
        ] {
            assert!(
                !contains(&clean, needle),
                "{:?} left",
                String::from_utf8_lossy(needle)
            );
        }
        let img = image::load_from_memory(&clean).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((img.width(), img.height()), (16, 16));
    }

    #[test]
    fn a_webp_loses_exif_and_xmp_and_their_flags() {
        let tagged = testimg::webp_with_metadata(16, 8);
        assert!(contains(&tagged, b"GPS-SECRET"));
        let clean = strip_webp(&tagged).unwrap_or_else(|e| panic!("{e}"));
        assert!(!contains(&clean, b"GPS-SECRET") && !contains(&clean, b"EXIF"));
        let flags = clean[20];
        assert_eq!(flags & 0x0C, 0, "EXIF/XMP flags still set: {flags:#x}");
        let riff = u32::from_le_bytes([clean[4], clean[5], clean[6], clean[7]]) as usize;
        assert_eq!(riff + 8, clean.len());
        let img = image::load_from_memory(&clean).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((img.width(), img.height()), (16, 8));
    }

    #[test]
    fn damaged_files_never_panic_the_sanitiser() {
        let samples = [
            testimg::with_metadata(&testimg::jpeg(24, 16), 1),
            testimg::png_with_metadata(8, 8),
            testimg::webp_with_metadata(8, 8),
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for sample in &samples {
            for cut in (0..sample.len()).step_by(7) {
                let _ = strip_jpeg(&sample[..cut]);
                let _ = strip_png(&sample[..cut]);
                let _ = strip_webp(&sample[..cut]);
            }
            for _ in 0..300 {
                let mut damaged = sample.clone();
                for _ in 0..3 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let at = (state % damaged.len() as u64) as usize;
                    damaged[at] = (state >> 32) as u8;
                }
                let _ = strip_jpeg(&damaged);
                let _ = strip_png(&damaged);
                let _ = strip_webp(&damaged);
            }
        }
    }

    #[test]
    fn truncated_files_are_refused_not_passed_through() {
        let tagged = testimg::with_metadata(&testimg::jpeg(32, 32), 1);
        assert!(strip_jpeg(&tagged[..tagged.len() / 2]).is_err());
        let png = testimg::png_with_metadata(8, 8);
        assert!(strip_png(&png[..png.len() - 5]).is_err());
        assert!(strip_webp(b"RIFF\xff\xff\xff\x00WEBPVP8X").is_err());
    }
}
