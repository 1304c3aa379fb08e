//! Sealed patient files: photo originals, thumbnails and cached views are kept as an
//! AEAD stream, so the data dir shows no image to anyone without the store key.
//!
//! Format (version 1): a 40-byte header `DERMISF` + version byte + a random 32-byte salt;
//! then segments of 64 KiB of plaintext (the last one shorter, possibly empty), each
//! ChaCha20-Poly1305 with its 16-byte tag. The file's key is HKDF-SHA256 of the store
//! key with the salt and a purpose label, so no two files share a key and the nonce is
//! just the segment counter plus a last-segment flag (the STREAM construction): segments
//! cannot be reordered, and a file cut at a segment boundary fails to open. The header is
//! the associated data of every segment. No sealed file starts with a JPEG marker.
//!
//! Reads stream: [`SealedReader`] decrypts one segment at a time and seeks by plaintext
//! offset (the upload lane sends an original in chunks from any offset).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use aws_lc_rs::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};

use super::key::{self, StoreKey};

const MAGIC: &[u8; 7] = b"DERMISF";
const VERSION: u8 = 1;
const SALT_LEN: usize = 32;
pub const HEADER_LEN: usize = MAGIC.len() + 1 + SALT_LEN;
pub const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;
const LABEL: &[u8] = b"dermis-node patient file v1";

/// The key patient files are sealed with: the store key (each file derives its own).
#[derive(Clone, Debug)]
pub struct FileKey(StoreKey);

impl FileKey {
    pub fn new(store: StoreKey) -> FileKey {
        FileKey(store)
    }

    /// The file key of `data_dir`'s store. An error (as `io::Error`, so the callers'
    /// file errors carry it) when the key is missing.
    pub fn for_data_dir(data_dir: &Path) -> io::Result<FileKey> {
        key::load(data_dir).map(FileKey).map_err(io::Error::other)
    }

    fn cipher(&self, header: &[u8; HEADER_LEN]) -> io::Result<LessSafeKey> {
        let salt = &header[MAGIC.len() + 1..];
        let bytes = self.0.derive(salt, LABEL);
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, &bytes)
            .map_err(|_| io::Error::other("cannot make the file key"))?;
        Ok(LessSafeKey::new(unbound))
    }
}

fn nonce(index: u64, last: bool) -> io::Result<Nonce> {
    let counter = u32::try_from(index)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file too large to seal"))?;
    let mut n = [0u8; 12];
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Ok(Nonce::assume_unique_for_key(n))
}

fn damaged(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("sealed file {what}: damaged, cut short or sealed with another key"),
    )
}

/// Whether the file at `path` starts with the sealed-file header.
pub fn is_sealed(path: &Path) -> io::Result<bool> {
    let mut head = [0u8; 7];
    let mut file = File::open(path)?;
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled == head.len() && &head == MAGIC)
}

/// Seals everything `plain` yields into `out` (header first). Memory: one segment.
pub fn seal_stream(key: &FileKey, plain: &mut impl Read, out: &mut impl Write) -> io::Result<u64> {
    let mut header = [0u8; HEADER_LEN];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    header[MAGIC.len()] = VERSION;
    header[MAGIC.len() + 1..].copy_from_slice(&rand::random::<[u8; SALT_LEN]>());
    let cipher = key.cipher(&header)?;
    out.write_all(&header)?;
    let mut current = Vec::with_capacity(SEGMENT + TAG);
    let mut total = 0u64;
    fill(plain, &mut current, SEGMENT)?;
    let mut index = 0u64;
    loop {
        // Look one segment ahead to know whether this one is the last.
        let mut ahead = Vec::with_capacity(SEGMENT + TAG);
        let more = current.len() == SEGMENT && fill(plain, &mut ahead, SEGMENT)? > 0;
        total += current.len() as u64;
        cipher
            .seal_in_place_append_tag(nonce(index, !more)?, Aad::from(&header[..]), &mut current)
            .map_err(|_| io::Error::other("cannot seal a file segment"))?;
        out.write_all(&current)?;
        if !more {
            return Ok(total);
        }
        current = ahead;
        index += 1;
    }
}

fn fill(from: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<usize> {
    buf.clear();
    from.take(want as u64).read_to_end(buf)
}

/// Writes `plain` sealed to `path`, atomically: temporary 0600 file in the same folder,
/// fsync, rename, fsync of the folder. After a crash the file is whole or absent.
pub fn write_sealed(key: &FileKey, path: &Path, plain: &mut impl Read) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent folder"))?;
    super::perms::create_private_dir(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let result = (|| {
        let file = super::perms::create_private_file(&tmp)?;
        let mut out = io::BufWriter::new(file);
        seal_stream(key, plain, &mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        super::perms::sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// [`write_sealed`] for bytes in memory.
pub fn write_sealed_bytes(key: &FileKey, path: &Path, plain: &[u8]) -> io::Result<()> {
    write_sealed(key, path, &mut io::Cursor::new(plain))
}

/// Writes a patient file of `data_dir`'s store (a photo original, a thumbnail, a cached
/// view): sealed under the store's key, atomically. Every patient file the node writes
/// goes through here.
pub fn store_file(data_dir: &Path, path: &Path, plain: &[u8]) -> io::Result<()> {
    write_sealed_bytes(&FileKey::for_data_dir(data_dir)?, path, plain)
}

/// The plaintext of a patient file of `data_dir`'s store.
pub fn load_file(data_dir: &Path, path: &Path) -> io::Result<Vec<u8>> {
    read_sealed(&FileKey::for_data_dir(data_dir)?, path)
}

/// A streaming, seekable reader of a patient file of `data_dir`'s store.
pub fn open_file(data_dir: &Path, path: &Path) -> io::Result<SealedReader<File>> {
    SealedReader::open(&FileKey::for_data_dir(data_dir)?, path)
}

/// The whole plaintext of a sealed file.
pub fn read_sealed(key: &FileKey, path: &Path) -> io::Result<Vec<u8>> {
    let mut reader = SealedReader::open(key, path)?;
    let mut out = Vec::with_capacity(usize::try_from(reader.len()).unwrap_or(0));
    reader.read_to_end(&mut out)?;
    Ok(out)
}

/// Reads a sealed file's plaintext, one segment in memory at a time, with `Seek` by
/// plaintext offset.
pub struct SealedReader<R> {
    inner: R,
    cipher: LessSafeKey,
    header: [u8; HEADER_LEN],
    segments: u64,
    plain_len: u64,
    pos: u64,
    /// The decrypted segment `buffered` (if any).
    buffered: Option<u64>,
    buf: Vec<u8>,
}

impl<R> std::fmt::Debug for SealedReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedReader")
            .field("plain_len", &self.plain_len)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl SealedReader<File> {
    pub fn open(key: &FileKey, path: &Path) -> io::Result<SealedReader<File>> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        SealedReader::new(key, file, len)
    }
}

impl<R: Read + Seek> SealedReader<R> {
    /// `len`: the sealed file's length in bytes.
    pub fn new(key: &FileKey, mut inner: R, len: u64) -> io::Result<SealedReader<R>> {
        let mut header = [0u8; HEADER_LEN];
        inner.seek(SeekFrom::Start(0))?;
        inner
            .read_exact(&mut header)
            .map_err(|_| damaged("header"))?;
        if &header[..MAGIC.len()] != MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a sealed file (an unencrypted file in the data dir?)",
            ));
        }
        if header[MAGIC.len()] != VERSION {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "sealed file version {} is not known to this build",
                    header[MAGIC.len()]
                ),
            ));
        }
        let body = len
            .checked_sub(HEADER_LEN as u64)
            .ok_or_else(|| damaged("length"))?;
        let stride = (SEGMENT + TAG) as u64;
        let segments = body.div_ceil(stride).max(1);
        let plain_len = body
            .checked_sub(segments * TAG as u64)
            .ok_or_else(|| damaged("length"))?;
        Ok(SealedReader {
            cipher: key.cipher(&header)?,
            inner,
            header,
            segments,
            plain_len,
            pos: 0,
            buffered: None,
            buf: Vec::with_capacity(SEGMENT + TAG),
        })
    }

    /// The plaintext length.
    pub fn len(&self) -> u64 {
        self.plain_len
    }

    pub fn is_empty(&self) -> bool {
        self.plain_len == 0
    }

    fn load(&mut self, index: u64) -> io::Result<()> {
        if self.buffered == Some(index) {
            return Ok(());
        }
        self.buffered = None;
        let stride = (SEGMENT + TAG) as u64;
        self.inner
            .seek(SeekFrom::Start(HEADER_LEN as u64 + index * stride))?;
        self.buf.clear();
        (&mut self.inner).take(stride).read_to_end(&mut self.buf)?;
        let last = index + 1 == self.segments;
        let plain = self
            .cipher
            .open_in_place(
                nonce(index, last)?,
                Aad::from(&self.header[..]),
                &mut self.buf,
            )
            .map_err(|_| damaged("segment"))?
            .len();
        if !last && plain != SEGMENT {
            return Err(damaged("segment"));
        }
        self.buf.truncate(plain);
        self.buffered = Some(index);
        Ok(())
    }
}

impl<R: Read + Seek> Read for SealedReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.plain_len || out.is_empty() {
            // An empty file still authenticates its one (empty, last) segment.
            if self.plain_len == 0 {
                self.load(0)?;
            }
            return Ok(0);
        }
        let index = self.pos / SEGMENT as u64;
        self.load(index)?;
        let within = (self.pos - index * SEGMENT as u64) as usize;
        let n = out.len().min(self.buf.len() - within);
        out[..n].copy_from_slice(&self.buf[within..within + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SealedReader<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.plain_len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> FileKey {
        FileKey::new(StoreKey::from_bytes([b; 32]))
    }

    fn sealed(plain: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        seal_stream(&key(7), &mut io::Cursor::new(plain), &mut out)
            .unwrap_or_else(|e| panic!("{e}"));
        out
    }

    fn open(bytes: &[u8], k: &FileKey) -> io::Result<Vec<u8>> {
        let mut r = SealedReader::new(k, io::Cursor::new(bytes), bytes.len() as u64)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_every_segment_edge() {
        for len in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            3 * SEGMENT,
            3 * SEGMENT + 5,
        ] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let s = sealed(&plain);
            assert_eq!(&s[..7], MAGIC);
            assert_eq!(
                open(&s, &key(7)).unwrap_or_else(|e| panic!("{len}: {e}")),
                plain
            );
        }
    }

    #[test]
    fn a_jpeg_does_not_show_through() {
        let mut plain = vec![0xFF, 0xD8, 0xFF, 0xE0];
        plain.extend(b"Ivanova Anna".repeat(100));
        let s = sealed(&plain);
        assert_ne!(&s[..3], &[0xFF, 0xD8, 0xFF]);
        assert!(!s.windows(7).any(|w| w == b"Ivanova"));
    }

    #[test]
    fn wrong_key_truncation_and_tampering_fail() {
        let plain = vec![9u8; 2 * SEGMENT + 10];
        let s = sealed(&plain);
        assert!(open(&s, &key(8)).is_err(), "another key");
        // Cut at a segment boundary: the new last segment was not sealed as last.
        let cut = HEADER_LEN + 2 * (SEGMENT + TAG);
        assert!(open(&s[..cut], &key(7)).is_err(), "truncated at a boundary");
        assert!(open(&s[..s.len() - 1], &key(7)).is_err(), "truncated");
        let mut t = s.clone();
        t[HEADER_LEN + 5] ^= 1;
        assert!(open(&t, &key(7)).is_err(), "tampered");
        let mut h = s.clone();
        h[10] ^= 1;
        assert!(open(&h, &key(7)).is_err(), "header tampered");
    }

    #[test]
    fn seeks_by_plaintext_offset() {
        let plain: Vec<u8> = (0..(3 * SEGMENT + 100)).map(|i| (i % 253) as u8).collect();
        let s = sealed(&plain);
        let mut r = SealedReader::new(&key(7), io::Cursor::new(&s[..]), s.len() as u64)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.len(), plain.len() as u64);
        for offset in [0usize, 5, SEGMENT - 3, 2 * SEGMENT + 7, 3 * SEGMENT + 90] {
            r.seek(SeekFrom::Start(offset as u64))
                .unwrap_or_else(|e| panic!("{e}"));
            let mut chunk = vec![0u8; 10];
            r.read_exact(&mut chunk)
                .unwrap_or_else(|e| panic!("{offset}: {e}"));
            assert_eq!(chunk, plain[offset..offset + 10]);
        }
    }
}
