//! Runs one command against the node in the data directory.

use std::io::Read;
use std::path::PathBuf;

use super::CliError;
use super::args::{Cli, Command};
use super::calendar::appointment;
use super::link::{HubChoice, enroll, keep_link_choices, sync};
use super::out::{out, outln};
use super::print;
use super::records::{conflict, encounter, patient, photo, user};
use super::signin;
use super::stock::{product, sale, stock};
use dermis_model::audit::AuditAction;
use dermis_model::clinic::Permission;

use crate::node::{Node, OpError, Session};
use crate::ops::{self};

/// The data directory: `--data-dir`, `DERMIS_NODE_DATA_DIR`, or the platform default.
pub fn data_dir(cli: &Cli) -> Result<PathBuf, CliError> {
    if let Some(dir) = &cli.data_dir {
        return Ok(dir.clone());
    }
    directories::ProjectDirs::from("org", "Dermis", "dermis-node")
        .map(|d| d.data_dir().to_owned())
        .ok_or_else(|| CliError::Other("no home directory; pass --data-dir".into()))
}

pub(super) fn usage(field: &str, message: impl Into<String>) -> CliError {
    CliError::Usage {
        field: field.to_owned(),
        message: message.into(),
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let dir = data_dir(&cli)?;
    let Some(command) = cli.command else {
        return gui(dir, cli.locale.as_deref());
    };
    // The node and the signed-in session of a command that touches clinic data.
    let signed_in_as = cli.user.as_deref();
    let signed_in = || -> Result<(Node, Session), CliError> {
        let mut node = Node::open(&dir)?;
        let session = signin::session(&mut node, signed_in_as)?;
        // Views a window recorded and did not move into a ledger (it was killed, say)
        // go now; if they cannot, they stay queued, durable, for the next process.
        if let Err(error) = ops::audit::flush_queue(&mut node, &session) {
            tracing::warn!(%error, "queued audit entries stay queued");
        }
        Ok((node, session))
    };
    match command {
        Command::Init {
            clinic_name,
            node_name,
            admin,
        } => init(&dir, &clinic_name, &node_name, admin.as_deref()),
        Command::Patient(cmd) => {
            let (mut node, session) = signed_in()?;
            patient(&mut node, &session, cmd)
        }
        Command::Encounter(cmd) => {
            let (mut node, session) = signed_in()?;
            encounter(&mut node, &session, cmd)
        }
        Command::Product(cmd) => {
            let (mut node, session) = signed_in()?;
            product(&mut node, &session, cmd)
        }
        Command::Stock(cmd) => {
            let (mut node, session) = signed_in()?;
            stock(&mut node, &session, cmd)
        }
        Command::Sale(cmd) => {
            let (mut node, session) = signed_in()?;
            sale(&mut node, &session, cmd)
        }
        Command::Shift(cmd) => {
            let (mut node, session) = signed_in()?;
            super::pos::shift(&mut node, &session, cmd)
        }
        Command::Receipt(cmd) => {
            let (mut node, session) = signed_in()?;
            super::pos::receipt(&mut node, &session, cmd, cli.locale.as_deref())
        }
        Command::Report(cmd) => {
            let (mut node, session) = signed_in()?;
            super::pos::report(&mut node, &session, cmd)
        }
        Command::Appointment(cmd) => {
            let (mut node, session) = signed_in()?;
            appointment(&mut node, &session, cmd)
        }
        Command::Prescription(cmd) => {
            let (mut node, session) = signed_in()?;
            super::clinical::prescription(&mut node, &session, cmd)
        }
        Command::Document(cmd) => {
            let (mut node, session) = signed_in()?;
            super::document::document(&mut node, &session, cmd, cli.locale.as_deref())
        }
        Command::User(cmd) => {
            let (mut node, session) = signed_in()?;
            user(&mut node, &session, cmd)
        }
        Command::Clinic(cmd) => {
            let (mut node, session) = signed_in()?;
            super::erasure::clinic(&mut node, &session, cmd)
        }
        Command::Conflict(cmd) => {
            let (mut node, session) = signed_in()?;
            conflict(&mut node, &session, cmd)
        }
        Command::Demo {
            patients,
            seed,
            sales,
        } => {
            let (mut node, session) = signed_in()?;
            session.require(Permission::ManageSettings)?;
            let report = crate::demo::generate(
                &mut node,
                &crate::demo::DemoSpec {
                    patients,
                    seed,
                    sales: sales.unwrap_or(patients * 2),
                },
            )?;
            outln!("{}", serde_json::to_string(&report).unwrap_or_default());
            Ok(())
        }
        Command::Export { json: _ } => {
            let (mut node, session) = signed_in()?;
            // The whole clinic's data: an administrator's tool.
            session.require(Permission::ManageSettings)?;
            let json = ops::export::export_json(&mut node)?;
            let target = ops::audit::other("clinic", node.identity.clinic_id);
            ops::audit::record(&mut node, &session, AuditAction::Export, target)?;
            out!("{json}");
            Ok(())
        }
        Command::Status { json } => print::status(&mut Node::open(&dir)?, json),
        Command::Enroll {
            hub,
            code,
            node_name,
            ca_file,
            allow_insecure_http,
        } => enroll(
            &dir,
            &HubChoice {
                hub: &hub,
                ca_file: ca_file.as_deref(),
                allow_insecure_http,
            },
            &code,
            node_name,
        ),
        Command::Sync {
            once,
            timeout,
            report,
            photos,
            ca_file,
            allow_insecure_http,
        } => {
            keep_link_choices(&dir, ca_file.as_deref(), allow_insecure_http)?;
            sync(&dir, once, timeout, report, photos)
        }
        Command::Audit(cmd) => {
            let (node, session) = signed_in()?;
            super::audit::run(&node, &session, cmd)
        }
        Command::Photo(cmd) => {
            let (mut node, session) = signed_in()?;
            photo(&mut node, &session, cmd)
        }
        Command::Backup { out } => {
            let (node, session) = signed_in()?;
            super::backup::backup(node, &session, &out)
        }
        Command::Restore { from } => super::backup::restore(&dir, &from),
        Command::Gui => gui(dir, cli.locale.as_deref()),
    }
}

/// `init`, with `--admin`: the first admin's password is read and the user validated
/// before the store is created, so invalid input writes nothing.
fn init(
    dir: &std::path::Path,
    clinic_name: &str,
    node_name: &str,
    admin: Option<&str>,
) -> Result<(), CliError> {
    let admin = match admin {
        Some(username) => {
            let password = match std::env::var("DERMIS_PASSWORD") {
                Ok(password) => password,
                Err(_) => read_stdin_secret("password")?,
            };
            dermis_model::clinic::validate_first_user(username, username, "admin", &password)
                .map_err(OpError::from)?;
            Some((username, password))
        }
        None => None,
    };
    let mut node = Node::init(dir, clinic_name, node_name)?;
    if let Some((username, password)) = admin {
        ops::users::add(
            &mut node,
            &Session::operator(),
            username,
            username,
            "admin",
            &password,
        )?;
    }
    outln!("{}", node.identity.node_id);
    Ok(())
}

/// A secret given on standard input (a password piped in by a script), without its
/// line ending.
pub(super) fn read_stdin_secret(what: &str) -> Result<String, CliError> {
    let mut secret = String::new();
    std::io::stdin()
        .read_to_string(&mut secret)
        .map_err(|e| CliError::Other(format!("cannot read the {what} from standard input: {e}")))?;
    Ok(secret.trim_end_matches(['\n', '\r']).to_owned())
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Other(format!("cannot start the async runtime: {e}")))
}

/// Opens the desktop app in the language asked for (`--locale`, `DERMIS_LOCALE`), else the
/// one last chosen in the window on this data dir, else `LANG`'s.
fn gui(dir: PathBuf, locale: Option<&str>) -> Result<(), CliError> {
    use crate::i18n::Locale;
    let locale = match locale.filter(|l| !l.trim().is_empty()) {
        Some(code) => Locale::parse(code).map_err(|e| usage("locale", e.to_string()))?,
        None => std::env::var("DERMIS_LOCALE")
            .ok()
            .and_then(|code| Locale::parse(&code).ok())
            .or(crate::gui::prefs::load(&dir).locale)
            .unwrap_or_else(Locale::from_env),
    };
    crate::gui::run(crate::gui::GuiOptions::from_env(dir, locale))
        .map_err(|e| CliError::Other(crate::gui::error_chain(&e)))
}
