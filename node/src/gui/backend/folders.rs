//! The photo import's file browser, on the worker's side: one folder's subfolders and
//! image files, and the places to start from (home, pictures, removable media). Reading
//! a folder is IO, so the window asks for it once per folder and never per frame; a
//! folder of many thousands of files is cut short at [`MAX_ENTRIES`].

use std::path::{Path, PathBuf};

/// Entries a listing holds at most: a camera card's folder fits, a runaway one is cut.
pub const MAX_ENTRIES: usize = 3000;

/// File names the browser offers, by extension (the import checks the content).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderEntry {
    pub name: String,
    pub path: PathBuf,
    pub folder: bool,
    /// Bytes, for files.
    pub size: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceKind {
    Home,
    Pictures,
    /// A USB stick, a camera card: what is mounted under /media, /run/media or /Volumes.
    Removable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub kind: PlaceKind,
    pub name: String,
    pub path: PathBuf,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderListing {
    pub path: PathBuf,
    pub parent: Option<PathBuf>,
    /// Folders first, then images, each by name.
    pub entries: Vec<FolderEntry>,
    /// More entries than [`MAX_ENTRIES`]: the rest are not shown.
    pub truncated: bool,
    /// The folder could not be read (gone, or not allowed).
    pub unreadable: bool,
    pub places: Vec<Place>,
}

/// Lists `path`, or the pictures folder (else home) when `path` is empty.
pub fn list(path: &Path) -> FolderListing {
    let places = places();
    let path = if path.as_os_str().is_empty() {
        places
            .iter()
            .find(|p| p.kind == PlaceKind::Pictures)
            .or(places.first())
            .map(|p| p.path.clone())
            .unwrap_or_else(|| PathBuf::from("/"))
    } else {
        path.to_owned()
    };
    let mut listing = FolderListing {
        parent: path.parent().map(Path::to_owned),
        path,
        entries: Vec::new(),
        truncated: false,
        unreadable: false,
        places,
    };
    let Ok(read) = std::fs::read_dir(&listing.path) else {
        listing.unreadable = true;
        return listing;
    };
    for entry in read.flatten() {
        if listing.entries.len() >= MAX_ENTRIES {
            listing.truncated = true;
            break;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follows links, so a linked folder or picture is offered like any other.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let folder = meta.is_dir();
        if !folder && !is_image_name(&name) {
            continue;
        }
        listing.entries.push(FolderEntry {
            name,
            path,
            folder,
            size: if folder { 0 } else { meta.len() },
        });
    }
    listing.entries.sort_by(|a, b| {
        b.folder
            .cmp(&a.folder)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    listing
}

/// Whether a file name ends in an image extension the import takes.
pub fn is_image_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Home, the pictures folder and mounted removable media that exist here.
pub fn places() -> Vec<Place> {
    let mut out = Vec::new();
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|h| h.is_dir());
    if let Some(home) = &home {
        out.push(Place {
            kind: PlaceKind::Home,
            name: home.display().to_string(),
            path: home.clone(),
        });
        if let Some(pictures) = pictures_dir(home) {
            out.push(Place {
                kind: PlaceKind::Pictures,
                name: pictures.display().to_string(),
                path: pictures,
            });
        }
    }
    let user = std::env::var("USER").unwrap_or_default();
    let mut roots = vec![PathBuf::from("/Volumes"), PathBuf::from("/mnt")];
    if !user.is_empty() {
        roots.push(Path::new("/media").join(&user));
        roots.push(Path::new("/run/media").join(&user));
    }
    for root in roots {
        let Ok(read) = std::fs::read_dir(&root) else {
            continue;
        };
        for entry in read.flatten().take(16) {
            let path = entry.path();
            if path.is_dir() {
                out.push(Place {
                    kind: PlaceKind::Removable,
                    name: entry.file_name().to_string_lossy().into_owned(),
                    path,
                });
            }
        }
    }
    out
}

/// The desktop's pictures folder: `XDG_PICTURES_DIR` of user-dirs.dirs, else ~/Pictures.
fn pictures_dir(home: &Path) -> Option<PathBuf> {
    let configured = std::fs::read_to_string(home.join(".config/user-dirs.dirs"))
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let value = line.trim().strip_prefix("XDG_PICTURES_DIR=")?;
                let value = value
                    .trim_matches('"')
                    .replace("$HOME", &home.to_string_lossy());
                Some(PathBuf::from(value))
            })
        });
    configured
        .into_iter()
        .chain([home.join("Pictures")])
        .find(|p| p.is_dir() && p != home)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_first_and_only_images_are_offered() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::create_dir(dir.path().join("Zeta")).expect("dir");
        std::fs::create_dir(dir.path().join(".hidden")).expect("dir");
        for name in ["b.JPG", "a.png", "notes.txt", "c.webp", ".x.jpg"] {
            std::fs::write(dir.path().join(name), b"x").expect("file");
        }
        let listing = list(dir.path());
        let names: Vec<_> = listing.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Zeta", "a.png", "b.JPG", "c.webp"]);
        assert!(!listing.truncated && !listing.unreadable);
        assert_eq!(listing.parent.as_deref(), dir.path().parent());
        assert!(list(&dir.path().join("gone")).unreadable);
    }
}
