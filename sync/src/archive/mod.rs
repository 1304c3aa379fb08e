//! A backup file: entries (a path and its bytes) sealed under a passphrase ([`sealed`]),
//! written and read as streams, so memory stays bounded whatever the size. Both the
//! hub's `backup` and the node's use it; each decides which paths it writes and accepts.
//!
//! The plaintext is a list of entries, each `path length u16 BE | path (UTF-8) | size u64
//! BE | bytes`, ended by an empty path; nothing may follow the end (reading on
//! authenticates the last segment, so a file cut after the end marker is told apart).
//! This module does no file IO of its own: it works over `std::io` readers and writers.

pub mod sealed;

use std::io::{self, Read, Write};

use sealed::{Opener, SealError, Sealer};

/// The longest path an entry may have.
pub const MAX_PATH: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Sealed(#[from] SealError),
    #[error("the backup holds an entry no backup writes ({path:?}); it is damaged or forged")]
    Entry { path: String },
    #[error("reading the backup")]
    Read(#[source] io::Error),
}

/// Writes entries into a sealed backup.
pub struct ArchiveWriter<W: Write> {
    sealer: Sealer<W>,
}

impl<W: Write> ArchiveWriter<W> {
    pub fn new(out: W, passphrase: &str) -> Result<Self, SealError> {
        Ok(ArchiveWriter {
            sealer: Sealer::new(out, passphrase)?,
        })
    }

    /// Adds `path` with exactly `size` bytes from `body`; a body that ends early (a
    /// file that shrank while it was read) is an error, not a short entry.
    pub fn add(&mut self, path: &str, size: u64, body: &mut dyn Read) -> io::Result<u64> {
        let len = u16::try_from(path.len())
            .ok()
            .filter(|l| usize::from(*l) <= MAX_PATH && *l > 0)
            .ok_or_else(|| io::Error::other("an entry's path is empty or too long"))?;
        self.sealer.write_all(&len.to_be_bytes())?;
        self.sealer.write_all(path.as_bytes())?;
        self.sealer.write_all(&size.to_be_bytes())?;
        let copied = io::copy(&mut body.take(size), &mut self.sealer)?;
        if copied != size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{path} shrank while it was backed up"),
            ));
        }
        Ok(copied)
    }

    /// Writes the end marker and the last segment; returns the writer underneath.
    pub fn finish(mut self) -> Result<W, SealError> {
        self.sealer
            .write_all(&0u16.to_be_bytes())
            .map_err(SealError::Io)?;
        self.sealer.finish()
    }
}

/// One entry's header; its bytes follow ([`ArchiveReader::body`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub size: u64,
}

/// Reads entries from a sealed backup, authenticating as it goes.
pub struct ArchiveReader<R: Read> {
    opener: Opener<R>,
}

impl<R: Read> ArchiveReader<R> {
    /// Derives the key and checks the header (a wrong passphrase fails here or at the
    /// first segment).
    pub fn new(input: R, passphrase: &str) -> Result<Self, ArchiveError> {
        Ok(ArchiveReader {
            opener: Opener::new(input, passphrase)?,
        })
    }

    fn exact(&mut self, buf: &mut [u8]) -> Result<(), ArchiveError> {
        self.opener.read_exact(buf).map_err(ArchiveError::Read)
    }

    /// The next entry, or `None` at the end marker (after which [`Self::end`] checks
    /// that nothing follows). The previous entry's body must have been read whole.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, ArchiveError> {
        let mut len = [0u8; 2];
        self.exact(&mut len)?;
        let len = usize::from(u16::from_be_bytes(len));
        if len == 0 {
            return Ok(None);
        }
        if len > MAX_PATH {
            return Err(ArchiveError::Entry {
                path: format!("({len} bytes)"),
            });
        }
        let mut path = vec![0u8; len];
        self.exact(&mut path)?;
        let path = String::from_utf8(path).map_err(|e| ArchiveError::Entry {
            path: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })?;
        let mut size = [0u8; 8];
        self.exact(&mut size)?;
        Ok(Some(Entry {
            path,
            size: u64::from_be_bytes(size),
        }))
    }

    /// The current entry's bytes: read exactly `size` of them.
    pub fn body(&mut self, size: u64) -> impl Read + '_ {
        (&mut self.opener).take(size)
    }

    /// After the end marker: the file must end there.
    pub fn end(mut self) -> Result<(), ArchiveError> {
        let mut rest = [0u8; 1];
        if self.opener.read(&mut rest).map_err(ArchiveError::Read)? != 0 {
            return Err(ArchiveError::Entry {
                path: "(data after the end)".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap(out: Vec<u8>) -> ArchiveWriter<Vec<u8>> {
        ArchiveWriter {
            sealer: Sealer::with_costs(out, "a long passphrase", 8, 1)
                .unwrap_or_else(|e| panic!("{e}")),
        }
    }

    #[test]
    fn entries_round_trip_and_the_end_is_the_end() {
        let mut w = cheap(Vec::new());
        let big = vec![7u8; sealed::SEGMENT * 2 + 5];
        w.add("a.txt", 3, &mut &b"abc"[..])
            .unwrap_or_else(|e| panic!("{e}"));
        w.add("dir/big", big.len() as u64, &mut &big[..])
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = w.finish().unwrap_or_else(|e| panic!("{e}"));
        let mut r =
            ArchiveReader::new(&bytes[..], "a long passphrase").unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Vec::new();
        while let Some(e) = r.next_entry().unwrap_or_else(|e| panic!("{e}")) {
            let mut body = Vec::new();
            r.body(e.size)
                .read_to_end(&mut body)
                .unwrap_or_else(|e| panic!("{e}"));
            seen.push((e.path, body.len()));
        }
        r.end().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(seen[0], ("a.txt".to_owned(), 3));
        assert_eq!(seen[1], ("dir/big".to_owned(), big.len()));
    }

    #[test]
    fn a_body_shorter_than_its_size_is_refused() {
        let mut w = cheap(Vec::new());
        assert!(w.add("short", 10, &mut &b"abc"[..]).is_err());
        assert!(
            w.add("", 0, &mut &b""[..]).is_err(),
            "an empty path would end the list"
        );
    }
}
