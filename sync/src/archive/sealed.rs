//! The backup file's encryption: a passphrase, stretched by Argon2id (memory-hard), keys
//! AES-256-GCM over the file in segments of [`SEGMENT`] bytes, the STREAM construction
//! (Hoang, Reyhanitabar, Rogaway, Vizár): each segment's nonce is a random prefix, the
//! segment's number and whether it is the last one, so segments cannot be reordered,
//! dropped or repeated, and a file cut short is told from a whole one. The header (magic,
//! version, KDF parameters, salt, nonce prefix) is authenticated with every segment.
//!
//! Memory is bounded by one segment on either side, whatever the file's size.
//!
//! ```text
//! "DERMIS-BACKUP\n" | version u8 = 1 | m_cost KiB u32 LE | t_cost u32 LE | lanes u32 LE
//! | salt [16] | nonce prefix [7] | segment* (ciphertext ‖ 16-byte tag)
//! ```

use std::io::{self, Read, Write};

use argon2::{Algorithm, Argon2, Params, Version};
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

/// Plaintext bytes per segment.
pub const SEGMENT: usize = 64 * 1024;
const TAG: usize = 16;
const MAGIC: &[u8; 14] = b"DERMIS-BACKUP\n";
const VERSION: u8 = 1;
const SALT: usize = 16;
const PREFIX: usize = 7;
const HEADER: usize = MAGIC.len() + 1 + 12 + SALT + PREFIX;

/// Argon2id cost: 64 MiB, 3 passes (OWASP's first recommendation is 19 MiB × 2).
pub const KDF_MEMORY_KIB: u32 = 64 * 1024;
pub const KDF_PASSES: u32 = 3;
/// The most memory a backup file may ask the KDF for (a forged header must not make a
/// restore allocate gigabytes).
const KDF_MEMORY_MAX_KIB: u32 = 1024 * 1024;
const KDF_PASSES_MAX: u32 = 16;

/// The shortest passphrase accepted for a new backup.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("this is not a Dermis hub backup (no backup header)")]
    NotABackup,
    #[error("this backup was written by a newer version of Dermis (format {version})")]
    Version { version: u8 },
    #[error(
        "the backup's header asks for unreasonable key-derivation costs; it is damaged or forged"
    )]
    Costs,
    #[error("wrong passphrase, or the backup is damaged at its start")]
    WrongPassphrase,
    #[error("the backup is damaged at byte {offset} (it does not authenticate)")]
    Damaged { offset: u64 },
    #[error("the backup is truncated: it ends at byte {offset} before its last segment")]
    Truncated { offset: u64 },
    #[error(
        "the backup's last segment, at byte {offset}, does not authenticate: the file is truncated or damaged"
    )]
    EndDamaged { offset: u64 },
    #[error("the key could not be derived from the passphrase")]
    Kdf,
    #[error("no random numbers for the backup's salt")]
    Random,
    #[error("reading or writing the backup")]
    Io(#[source] io::Error),
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    m_cost: u32,
    t_cost: u32,
    lanes: u32,
) -> Result<LessSafeKey, SealError> {
    let params = Params::new(m_cost, t_cost, lanes, Some(32)).map_err(|_| SealError::Kdf)?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|_| SealError::Kdf)?;
    let unbound = UnboundKey::new(&AES_256_GCM, &key).map_err(|_| SealError::Kdf)?;
    Ok(LessSafeKey::new(unbound))
}

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

/// Writes sealed segments to `out` as plaintext is written to it; [`Sealer::finish`]
/// writes the last segment (a file without it reads as truncated).
pub struct Sealer<W: Write> {
    out: W,
    key: LessSafeKey,
    header: [u8; HEADER],
    prefix: [u8; PREFIX],
    counter: u32,
    buf: Vec<u8>,
}

impl<W: Write> Sealer<W> {
    pub fn new(out: W, passphrase: &str) -> Result<Self, SealError> {
        Self::with_costs(out, passphrase, KDF_MEMORY_KIB, KDF_PASSES)
    }

    /// With other KDF costs (tests use small ones to stay fast).
    pub fn with_costs(
        mut out: W,
        passphrase: &str,
        m_cost: u32,
        t_cost: u32,
    ) -> Result<Self, SealError> {
        let mut salt = [0u8; SALT];
        let mut prefix = [0u8; PREFIX];
        aws_lc_rs::rand::fill(&mut salt).map_err(|_| SealError::Random)?;
        aws_lc_rs::rand::fill(&mut prefix).map_err(|_| SealError::Random)?;
        let lanes = 1;
        let key = derive(passphrase, &salt, m_cost, t_cost, lanes)?;
        let mut header = [0u8; HEADER];
        let mut at = 0;
        for part in [
            &MAGIC[..],
            &[VERSION],
            &m_cost.to_le_bytes(),
            &t_cost.to_le_bytes(),
            &lanes.to_le_bytes(),
            &salt,
            &prefix,
        ] {
            header[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        out.write_all(&header).map_err(SealError::Io)?;
        Ok(Self {
            out,
            key,
            header,
            prefix,
            counter: 0,
            buf: Vec::with_capacity(SEGMENT + TAG),
        })
    }

    fn seal(&mut self, last: bool) -> io::Result<()> {
        let nonce = nonce(&self.prefix, self.counter, last);
        self.key
            .seal_in_place_append_tag(nonce, Aad::from(&self.header[..]), &mut self.buf)
            .map_err(|_| io::Error::other("sealing a backup segment failed"))?;
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| io::Error::other("the backup is too large for its format (256 TiB)"))?;
        Ok(())
    }

    /// Seals what is left as the last segment and flushes; returns the writer.
    pub fn finish(mut self) -> Result<W, SealError> {
        self.seal(true).map_err(SealError::Io)?;
        self.out.flush().map_err(SealError::Io)?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() == SEGMENT {
            self.seal(false)?;
        }
        let take = data.len().min(SEGMENT - self.buf.len());
        self.buf.extend_from_slice(&data[..take]);
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Reads the plaintext of a sealed file, segment by segment, failing on the first
/// segment that does not authenticate and on a file that ends before its last segment.
pub struct Opener<R: Read> {
    input: R,
    key: LessSafeKey,
    header: [u8; HEADER],
    prefix: [u8; PREFIX],
    counter: u32,
    /// The current segment's plaintext, and how much of it was read.
    plain: Vec<u8>,
    at: usize,
    /// The next segment's bytes read ahead (to know whether the current one is last).
    ahead: Vec<u8>,
    done: bool,
    offset: u64,
}

fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl<R: Read> Opener<R> {
    /// Reads and checks the header, derives the key and opens the first segment (a wrong
    /// passphrase fails here).
    pub fn new(mut input: R, passphrase: &str) -> Result<Self, SealError> {
        let mut header = [0u8; HEADER];
        let got = read_full(&mut input, &mut header).map_err(SealError::Io)?;
        if got < MAGIC.len() + 1 || &header[..MAGIC.len()] != MAGIC {
            return Err(SealError::NotABackup);
        }
        let version = header[MAGIC.len()];
        if version != VERSION {
            return Err(SealError::Version { version });
        }
        if got < HEADER {
            return Err(SealError::Truncated { offset: got as u64 });
        }
        let word = |i: usize| {
            let at = MAGIC.len() + 1 + 4 * i;
            u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
        };
        let (m_cost, t_cost, lanes) = (word(0), word(1), word(2));
        if m_cost > KDF_MEMORY_MAX_KIB || t_cost > KDF_PASSES_MAX || lanes != 1 {
            return Err(SealError::Costs);
        }
        let salt_at = MAGIC.len() + 13;
        let salt = header[salt_at..salt_at + SALT].to_vec();
        let mut prefix = [0u8; PREFIX];
        prefix.copy_from_slice(&header[salt_at + SALT..HEADER]);
        let key = derive(passphrase, &salt, m_cost, t_cost, lanes)?;
        let mut opener = Self {
            input,
            key,
            header,
            prefix,
            counter: 0,
            plain: Vec::new(),
            at: 0,
            ahead: Vec::new(),
            done: false,
            offset: HEADER as u64,
        };
        opener.ahead = opener.read_segment()?;
        match opener.next_segment() {
            Err(SealError::Damaged { .. } | SealError::EndDamaged { .. }) => {
                Err(SealError::WrongPassphrase)
            }
            other => other.map(|()| opener),
        }
    }

    fn read_segment(&mut self) -> Result<Vec<u8>, SealError> {
        let mut buf = vec![0u8; SEGMENT + TAG];
        let got = read_full(&mut self.input, &mut buf).map_err(SealError::Io)?;
        buf.truncate(got);
        Ok(buf)
    }

    /// Opens the segment read ahead, reading the one after it.
    fn next_segment(&mut self) -> Result<(), SealError> {
        let mut sealed = std::mem::take(&mut self.ahead);
        if sealed.len() < TAG {
            return Err(SealError::Truncated {
                offset: self.offset + sealed.len() as u64,
            });
        }
        let len = sealed.len() as u64;
        // A full segment may be followed by more; a short one is the last, and says so.
        self.ahead = if sealed.len() == SEGMENT + TAG {
            self.read_segment()?
        } else {
            Vec::new()
        };
        let last = self.ahead.is_empty();
        let nonce = nonce(&self.prefix, self.counter, last);
        let damaged = SealError::Damaged {
            offset: self.offset,
        };
        let full = sealed.len() == SEGMENT + TAG;
        let plain = match self
            .key
            .open_in_place(nonce, Aad::from(&self.header[..]), &mut sealed)
        {
            Ok(plain) => plain.len(),
            // Cut short right after a full segment: it does not open as the last one.
            Err(_) if last && full => {
                return Err(SealError::Truncated {
                    offset: self.offset + len,
                });
            }
            Err(_) if last => {
                return Err(SealError::EndDamaged {
                    offset: self.offset,
                });
            }
            Err(_) => return Err(damaged),
        };
        sealed.truncate(plain);
        self.plain = sealed;
        self.at = 0;
        self.offset += len;
        self.done = last;
        self.counter = self.counter.checked_add(1).ok_or(damaged)?;
        Ok(())
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_segment().map_err(io::Error::other)?;
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = "correct horse battery";

    fn seal(data: &[u8]) -> Vec<u8> {
        let mut s = Sealer::with_costs(Vec::new(), PASS, 64, 1).unwrap_or_else(|e| panic!("{e}"));
        s.write_all(data).unwrap_or_else(|e| panic!("{e}"));
        s.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    fn open(file: &[u8], pass: &str) -> Result<Vec<u8>, String> {
        let mut o = Opener::new(file, pass).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        o.read_to_end(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn what_is_sealed_opens_at_every_size_around_a_segment() {
        for n in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            3 * SEGMENT,
            3 * SEGMENT + 7,
        ] {
            let plain = data(n);
            let file = seal(&plain);
            if n >= 64 {
                assert!(
                    !file.windows(64).any(|w| w == &plain[..64]),
                    "{n} bytes: the plaintext shows in the file"
                );
            }
            assert_eq!(open(&file, PASS), Ok(plain), "{n} bytes");
        }
    }

    #[test]
    fn a_wrong_passphrase_a_cut_a_flipped_bit_and_a_dropped_segment_are_refused() {
        let plain = data(3 * SEGMENT + 10);
        let file = seal(&plain);
        assert_eq!(
            open(&file, "not the passphrase"),
            Err(SealError::WrongPassphrase.to_string())
        );
        for cut in [
            HEADER + 5,
            HEADER + SEGMENT + TAG,
            HEADER + 2 * (SEGMENT + TAG),
            file.len() - 1,
        ] {
            let got = open(&file[..cut], PASS);
            assert!(
                got.as_ref()
                    .is_err_and(|e| e.contains("truncated") || e.contains("damaged")),
                "cut at {cut}: {got:?}"
            );
        }
        let whole_segments = &file[..HEADER + 3 * (SEGMENT + TAG)];
        assert!(open(whole_segments, PASS).is_err_and(|e| e.contains("truncated")));
        let mut flipped = file.clone();
        flipped[HEADER + SEGMENT + TAG + 100] ^= 1;
        assert!(open(&flipped, PASS).is_err_and(|e| e.contains("damaged at byte")));
        let mut dropped = file[..HEADER + SEGMENT + TAG].to_vec();
        dropped.extend_from_slice(&file[HEADER + 2 * (SEGMENT + TAG)..]);
        assert!(open(&dropped, PASS).is_err());
        let mut salted = file.clone();
        salted[MAGIC.len() + 14] ^= 1;
        assert_eq!(
            open(&salted, PASS),
            Err(SealError::WrongPassphrase.to_string())
        );
        assert_eq!(
            open(b"SQLite format 3\0", PASS),
            Err(SealError::NotABackup.to_string())
        );
    }

    #[test]
    fn a_forged_header_cannot_ask_for_a_gigabyte_of_kdf_memory() {
        let mut file = seal(b"x");
        file[MAGIC.len() + 1..MAGIC.len() + 5].copy_from_slice(&(8 * 1024 * 1024u32).to_le_bytes());
        assert_eq!(open(&file, PASS), Err(SealError::Costs.to_string()));
    }
}
