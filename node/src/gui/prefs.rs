//! The window's preferences on this workstation (language and theme), kept in
//! `window.json` beside the store so the window opens as it was left. They are not
//! patient data and not secret, so the file is plain JSON; a file that cannot be read
//! is ignored (the defaults apply) and replaced at the next change.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

const FILE: &str = "window.json";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Preferences {
    /// `None`: never chosen (the environment's language applies).
    pub locale: Option<Locale>,
    pub dark: bool,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
    #[serde(default)]
    dark: bool,
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// The remembered preferences, or the defaults when there are none or they are unreadable.
pub fn load(data_dir: &Path) -> Preferences {
    let Ok(bytes) = std::fs::read(path(data_dir)) else {
        return Preferences::default();
    };
    match serde_json::from_slice::<Stored>(&bytes) {
        Ok(stored) => Preferences {
            locale: stored.locale.and_then(|code| Locale::parse(&code).ok()),
            dark: stored.dark,
        },
        Err(error) => {
            tracing::warn!(%error, "the window's preferences are unreadable; using the defaults");
            Preferences::default()
        }
    }
}

/// Writes the preferences whole (a temporary file renamed over the old one), so a crash
/// leaves either the old or the new file.
pub fn save(data_dir: &Path, prefs: Preferences) -> std::io::Result<()> {
    let stored = Stored {
        locale: prefs.locale.map(|l| l.code().to_owned()),
        dark: prefs.dark,
    };
    let bytes = serde_json::to_vec_pretty(&stored).map_err(std::io::Error::other)?;
    let target = path(data_dir);
    let temporary = data_dir.join(format!("{FILE}.tmp"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, &target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_survive_a_restart_and_a_damaged_file_gives_the_defaults() {
        let dir = tempfile::tempdir().expect("temp");
        assert_eq!(load(dir.path()), Preferences::default());
        let chosen = Preferences {
            locale: Some(Locale::Hy),
            dark: true,
        };
        save(dir.path(), chosen).expect("save");
        assert_eq!(load(dir.path()), chosen);
        std::fs::write(dir.path().join(FILE), b"{not json").expect("damage");
        assert_eq!(load(dir.path()), Preferences::default());
        save(dir.path(), chosen).expect("save over the damage");
        assert_eq!(load(dir.path()), chosen);
    }
}
