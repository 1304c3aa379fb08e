//! Test images built in code: JPEGs, PNGs and WebPs carrying EXIF (with GPS and an
//! orientation), XMP, IPTC, comments and text chunks, so tests can prove none of it is
//! served. Depends on nothing but `image`: the crate's unit tests, the integration tests
//! and the bench include this file by path.

#![allow(dead_code)]

use image::{ImageEncoder, RgbImage};

/// Marks every metadata block, so a test can look for it in served bytes.
pub const SECRET: &[u8] = b"GPS-SECRET";

fn encode(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap_or_else(|e| panic!("encode jpeg: {e}"));
    out
}

/// A gradient JPEG.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(&RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            96,
        ])
    }))
}

/// A JPEG whose left half is red and right half blue.
pub fn halves(width: u32, height: u32) -> Vec<u8> {
    encode(&RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([230, 20, 20])
        } else {
            image::Rgb([20, 20, 230])
        }
    }))
}

pub fn is_red(p: [u8; 3]) -> bool {
    p[0] > 150 && p[2] < 100
}

/// A noisy gradient JPEG (compresses like a photo), deterministic from `seed`.
pub fn photo_like(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    encode(&RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x1F) as u8;
        image::Rgb([
            ((x * 200 / width.max(1)) as u8).saturating_add(n),
            ((y * 200 / height.max(1)) as u8).saturating_add(n),
            (((x + y) * 100 / (width + height).max(1)) as u8).saturating_add(n),
        ])
    }))
}

/// The TIFF body of an EXIF block (big-endian): IFD0 with the orientation and a GPS
/// IFD pointer; the GPS IFD with a latitude and a processing method holding [`SECRET`].
fn exif_tiff(orientation: u16) -> Vec<u8> {
    let mut t = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0 at 8: 2 entries, ends at 8 + 2 + 24 + 4 = 38.
    t.extend_from_slice(&2u16.to_be_bytes());
    let o = orientation.to_be_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 38: 3 entries, ends at 38 + 2 + 36 + 4 = 80; then the values.
    t.extend_from_slice(&3u16.to_be_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, 80u32.to_be_bytes());
    let method = [b"ASCII\0\0\0".as_slice(), SECRET].concat();
    entry(&mut t, 0x001B, 7, method.len() as u32, 104u32.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(48u32, 1u32), (51, 1), (2950, 100)] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    t.extend_from_slice(&method);
    t
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn xmp() -> Vec<u8> {
    [
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'><exif:GPSLatitude>"
            .as_slice(),
        SECRET,
        b"</exif:GPSLatitude></x:xmpmeta>",
    ]
    .concat()
}

/// `jpeg` with EXIF (orientation `orientation`, GPS), XMP, IPTC and a comment added
/// right after its start-of-image marker.
pub fn with_metadata(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let exif = [b"Exif\0\0".as_slice(), &exif_tiff(orientation)].concat();
    let iptc = [
        b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x0c".as_slice(),
        SECRET,
        b"\0\0",
    ]
    .concat();
    let mut out = jpeg[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, &xmp()));
    out.extend(segment(0xED, &iptc));
    out.extend(segment(0xFE, b"a comment"));
    out.extend_from_slice(&jpeg[2..]);
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

fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let body = [kind, data].concat();
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG with `tEXt`, `iTXt`, `zTXt`, `tIME` and `eXIf` chunks after its header.
pub fn png_with_metadata(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 7]));
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("encode png: {e}"));
    // Signature (8) + IHDR (25).
    let mut out = png[..33].to_vec();
    out.extend(png_chunk(
        b"tEXt",
        &[b"Location\0".as_slice(), SECRET].concat(),
    ));
    out.extend(png_chunk(
        b"iTXt",
        &[b"Comment\0\0\0\0\0".as_slice(), SECRET].concat(),
    ));
    out.extend(png_chunk(
        b"zTXt",
        b"Note\0\0\x78\x9c\x03\x00\x00\x00\x00\x01",
    ));
    out.extend(png_chunk(b"tIME", &[0x07, 0xEA, 11, 28, 1, 2, 3]));
    out.extend(png_chunk(b"eXIf", &exif_tiff(1)));
    out.extend_from_slice(&png[33..]);
    out
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// An extended (VP8X) lossless WebP with `EXIF` and `XMP ` chunks and their flags set.
pub fn webp_with_metadata(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 7 % 256) as u8, 50])
    });
    let mut simple = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut simple)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("encode webp: {e}"));
    // The simple file is RIFF + WEBP + one VP8L chunk.
    let image_chunk = &simple[12..];
    let mut vp8x = vec![0x08 | 0x04, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut body = riff_chunk(b"VP8X", &vp8x);
    body.extend_from_slice(image_chunk);
    body.extend(riff_chunk(b"EXIF", &exif_tiff(1)));
    body.extend(riff_chunk(b"XMP ", &xmp()));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    out
}
