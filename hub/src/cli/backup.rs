//! `dermis-hub backup` and `restore`: the embedded store's sealed archive, before any
//! store is opened.

use std::path::Path;

use anyhow::Context;

use crate::config::Config;

use super::{Command, Refused};

/// `backup` and `restore` of the embedded store (see [`crate::backup`]).
pub(super) async fn backup_or_restore(
    command: &Command,
    file: &Path,
    config: &Config,
) -> anyhow::Result<()> {
    if config.database_url.is_some() {
        anyhow::bail!(
            "this hub keeps its data in Postgres (DATABASE_URL): back it up with pg_dump as \
             docs/RUNBOOK.md \"Backups\" shows; `dermis-hub backup` covers the embedded store"
        );
    }
    let restoring = matches!(command, Command::Restore { .. });
    let passphrase = backup_passphrase(!restoring)?;
    if config.s3.is_some() {
        eprintln!(
            "dermis-hub: photos are kept in S3 (S3_ENDPOINT): the {} covers the store and its key; \
             back up the bucket as docs/RUNBOOK.md \"Backups\" shows",
            if restoring { "restore" } else { "backup" }
        );
    }
    let (dir, file) = (config.data_dir.clone(), file.to_path_buf());
    let shown = file.display().to_string();
    let done = tokio::task::spawn_blocking(move || {
        if restoring {
            crate::backup::restore(&dir, &file, &passphrase)
        } else {
            crate::backup::backup(&dir, &file, &passphrase)
        }
    })
    .await
    .context("running the backup")?
    .map_err(anyhow::Error::new)?;
    let size = format!("{:.1} MB", done.bytes as f64 / 1e6);
    if restoring {
        eprintln!(
            "restored {} files ({size}) from {shown} into {}",
            done.files,
            config.data_dir.display()
        );
    } else {
        eprintln!(
            "backup written to {shown}: {} files ({size}), encrypted",
            done.files
        );
    }
    Ok(())
}

/// The backup passphrase: `DERMIS_BACKUP_PASSPHRASE`, else the first line of standard
/// input. A new backup's must be at least [`crate::backup::sealed::MIN_PASSPHRASE_CHARS`].
pub(super) fn backup_passphrase(new: bool) -> anyhow::Result<String> {
    let passphrase = match std::env::var("DERMIS_BACKUP_PASSPHRASE") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the passphrase from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let min = crate::backup::sealed::MIN_PASSPHRASE_CHARS;
    if passphrase.is_empty() || (new && passphrase.chars().count() < min) {
        return Err(Refused(format!(
            "passphrase: give one of at least {min} characters in DERMIS_BACKUP_PASSPHRASE or on standard input"
        ))
        .into());
    }
    Ok(passphrase)
}
