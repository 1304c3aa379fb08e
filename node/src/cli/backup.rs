//! `backup` and `restore` on the command line: the passphrase, the permission, the audit
//! entry and the summary; the work is in [`crate::backup`].

use dermis_model::audit::AuditAction;
use dermis_model::clinic::Permission;

use super::CliError;
use super::out::outln;
use crate::backup::{self, BackupError};
use crate::node::{Node, Session};
use crate::ops;

const PASSPHRASE_ENV: &str = "DERMIS_BACKUP_PASSPHRASE";

/// The passphrase: the environment, else asked on the terminal (twice for a new backup).
fn passphrase(confirm: bool) -> Result<String, CliError> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(p);
    }
    let missing = || CliError::Usage {
        field: "passphrase".into(),
        message: format!("set {PASSPHRASE_ENV}, or run on a terminal to be asked"),
    };
    let first = super::prompt::secret("Backup passphrase: ").ok_or_else(missing)?;
    if confirm {
        let again = super::prompt::secret("The same passphrase again: ").ok_or_else(missing)?;
        if again != first {
            return Err(CliError::Usage {
                field: "passphrase".into(),
                message: "the two passphrases differ".into(),
            });
        }
    }
    Ok(first)
}

fn failed(e: BackupError) -> CliError {
    match e {
        BackupError::WeakPassphrase => CliError::Usage {
            field: "passphrase".into(),
            message: e.to_string(),
        },
        other => CliError::Other(crate::gui::error_chain(&other)),
    }
}

pub fn backup(mut node: Node, session: &Session, out: &std::path::Path) -> Result<(), CliError> {
    // Every patient and photo of the clinic: an administrator's tool.
    session.require(Permission::ManageSettings)?;
    let passphrase = passphrase(true)?;
    let summary = backup::backup(&node, out, &passphrase).map_err(failed)?;
    let target = ops::audit::other("clinic", node.identity.clinic_id);
    ops::audit::record(&mut node, session, AuditAction::Backup, target)?;
    outln!(
        "{}",
        serde_json::json!({ "out": out, "files": summary.files, "bytes": summary.bytes })
    );
    Ok(())
}

pub fn restore(dir: &std::path::Path, from: &std::path::Path) -> Result<(), CliError> {
    let passphrase = passphrase(false)?;
    let summary = backup::restore(dir, from, &passphrase).map_err(failed)?;
    let node = Node::open(dir)?;
    outln!(
        "{}",
        serde_json::json!({
            "data_dir": dir,
            "node": node.identity.node_id.to_string(),
            "files": summary.files,
            "bytes": summary.bytes,
        })
    );
    Ok(())
}
