//! Runs one command against the node in the data directory.

use std::io::Read;
use std::path::PathBuf;

use dermis_model::appointment::{AppointmentDraft, AppointmentSource, AppointmentStatus};
use dermis_model::encounter::EncounterForm;
use dermis_model::ledger::{MovementKind, Payment, PaymentMethod};
use dermis_model::patient::{AllergyForm, PatientForm};
use dermis_model::product::ProductForm;
use dermis_model::{AppointmentId, Currency, EncounterId, Money, PatientId};

use super::CliError;
use super::args::{
    AppointmentCmd, Cli, Command, ConflictCmd, EncounterCmd, PatientCmd, PatientFields, PhotoCmd,
    ProductCmd, SaleCmd, StockCmd, UserCmd,
};
use super::out::{out, outln};
use super::print;
use super::signin;
use dermis_model::audit::AuditAction;
use dermis_model::clinic::Permission;

use crate::node::{Node, OpError, Session};
use crate::ops::{self, parse_id, sales::ItemInput};

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
fn read_stdin_secret(what: &str) -> Result<String, CliError> {
    let mut secret = String::new();
    std::io::stdin()
        .read_to_string(&mut secret)
        .map_err(|e| CliError::Other(format!("cannot read the {what} from standard input: {e}")))?;
    Ok(secret.trim_end_matches(['\n', '\r']).to_owned())
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Other(format!("cannot start the async runtime: {e}")))
}

/// The hub address and trust given to `enroll`.
struct HubChoice<'a> {
    hub: &'a str,
    ca_file: Option<&'a std::path::Path>,
    allow_insecure_http: bool,
}

/// A refused hub address or CA file is invalid input (exit 2), named by its option.
fn link_usage(e: crate::sync::link::LinkError) -> CliError {
    use crate::sync::link::LinkError;
    let field = match &e {
        LinkError::CaFileRead { .. } | LinkError::CaFileEmpty { .. } => "ca-file",
        LinkError::Setup { .. } => return CliError::Other(e.to_string()),
        LinkError::BadUrl { .. } | LinkError::InsecureHttp { .. } => "hub",
    };
    let mut message = e.to_string();
    if let Some(source) = std::error::Error::source(&e) {
        message.push_str(&format!(": {source}"));
    }
    usage(field, message)
}

fn enroll(
    dir: &std::path::Path,
    choice: &HubChoice<'_>,
    code: &str,
    node_name: Option<String>,
) -> Result<(), CliError> {
    use crate::sync::{enroll, link};
    // Before anything connects: the address rule, then the CA file.
    link::check(choice.hub, choice.allow_insecure_http).map_err(link_usage)?;
    let ca_pem = choice
        .ca_file
        .map(link::read_ca_file)
        .transpose()
        .map_err(link_usage)?;
    let hub =
        link::HubLink::new(choice.hub, choice.allow_insecure_http, ca_pem).map_err(link_usage)?;
    let existing = Node::open(dir).ok().map(|n| n.identity.node_name);
    let name = node_name
        .or(existing)
        .unwrap_or_else(|| hostname_or("workstation"));
    let mut errors = dermis_model::ValidationErrors::default();
    let name =
        dermis_model::validate::text_field(&mut errors, "node_name", &name, true, 100, false);
    errors.into_result(()).map_err(OpError::from)?;
    let name = name.unwrap_or_default();
    let enrolled = runtime()?
        .block_on(enroll::request(&hub, code, &name))
        .map_err(|e| CliError::Other(e.to_string()))?;
    let node =
        enroll::apply(dir, &hub, &enrolled, &name).map_err(|e| CliError::Other(e.to_string()))?;
    outln!("{}", node.identity.node_id);
    Ok(())
}

/// `sync --ca-file` and `sync --allow-insecure-http`: kept in the store for every later
/// sync (the daemon's, the app's).
fn keep_link_choices(
    dir: &std::path::Path,
    ca_file: Option<&std::path::Path>,
    allow_insecure_http: bool,
) -> Result<(), CliError> {
    use crate::sync::{link, state};
    if ca_file.is_none() && !allow_insecure_http {
        return Ok(());
    }
    let ca_pem = ca_file
        .map(link::read_ca_file)
        .transpose()
        .map_err(link_usage)?;
    let node = Node::open(dir)?;
    let conn = node.store.conn();
    if let Some(pem) = ca_pem {
        state::set(conn, state::HUB_CA_PEM, &String::from_utf8_lossy(&pem))?;
    }
    if allow_insecure_http {
        state::set(conn, state::HUB_ALLOW_INSECURE_HTTP, "true")?;
    }
    Ok(())
}

fn hostname_or(fallback: &str) -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

fn sync(
    dir: &std::path::Path,
    once: bool,
    timeout: u64,
    report: bool,
    photos: bool,
) -> Result<(), CliError> {
    use crate::sync::client::{SyncOptions, run};
    if photos && !once {
        return Err(usage("photos", "--photos goes with --once"));
    }
    let options = SyncOptions {
        once,
        timeout: std::time::Duration::from_secs(timeout.max(1)),
        wait_photos: photos,
        ..SyncOptions::default()
    };
    let rt = runtime()?;
    let lock = if once { None } else { Some(daemon_lock(dir)?) };
    let result = rt.block_on(async {
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let shutdown = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                () = shutdown => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
            }
        };
        run(dir, options, shutdown).await
    });
    drop(lock);
    let summary = result.map_err(|e| match e {
        crate::sync::client::SyncError::Link(e) => link_usage(e),
        other => CliError::Other(other.to_string()),
    })?;
    if once && summary.photos.photos_pending > 0 {
        eprintln!(
            "note: {} photos ({} bytes) are still uploading; they continue at the next sync (`sync --once --photos` waits for them)",
            summary.photos.photos_pending, summary.photos.photo_bytes_pending
        );
    }
    if report {
        let mut value = serde_json::to_value(&summary).unwrap_or_default();
        value["peak_rss_mb"] = serde_json::json!(peak_rss_mb());
        if crate::phases::wanted() {
            value["phases"] = crate::phases::figures();
        }
        outln!("{value}");
    }
    Ok(())
}

/// Peak resident memory of this process (Linux), for `--report`.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// One sync daemon per data dir: a second one would only double the traffic.
fn daemon_lock(dir: &std::path::Path) -> Result<std::fs::File, CliError> {
    match crate::sync::background::try_lock(dir) {
        Ok(Some(file)) => Ok(file),
        Ok(None) => Err(CliError::Other(
            crate::sync::client::SyncError::AlreadyRunning.to_string(),
        )),
        Err(e) => Err(CliError::Other(format!(
            "cannot lock {}: {e}",
            dir.join("sync.lock").display()
        ))),
    }
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

fn photo(node: &mut Node, session: &Session, cmd: PhotoCmd) -> Result<(), CliError> {
    use crate::ops::photos::{self, PhotoError, PhotoImport};
    match cmd {
        PhotoCmd::Add {
            patient,
            file,
            body_part,
            encounter,
            tags,
            max_bytes,
        } => {
            let input = PhotoImport {
                patient: parse_id("patient", &patient)?,
                file,
                body_part,
                tags,
                encounter: encounter.map(|e| parse_id("encounter", &e)).transpose()?,
            };
            let max_bytes = max_bytes.unwrap_or(dermis_model::photo::DEFAULT_MAX_PHOTO_BYTES);
            let id = photos::add(node, session, &input, max_bytes).map_err(|e| match e {
                PhotoError::Op(op) => CliError::Op(op),
                ref bad_input @ (PhotoError::Read { .. } | PhotoError::Undecodable { .. }) => {
                    usage("file", crate::gui::error_chain(bad_input))
                }
                other => CliError::Other(crate::gui::error_chain(&other)),
            })?;
            outln!("{id}");
        }
        PhotoCmd::List { patient, json } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let rows = photos::list(node, session, patient)?;
            let target = ops::audit::in_chart("photos", patient, patient);
            ops::audit::record(node, session, AuditAction::View, target)?;
            if json {
                print::json(&rows);
            } else {
                print::photo_rows(&rows);
            }
        }
        PhotoCmd::Fetch { id, variant, out } => {
            use crate::sync::photos::{LaneOptions, fetch, http::Variant};
            let variant = Variant::parse(&variant)
                .ok_or_else(|| usage("variant", "choose full, original or gallery"))?;
            let id = parse_id("photo", &id)?;
            let fetched =
                fetch::fetch_blocking(node, session, id, variant, &LaneOptions::from_env())
                    .map_err(|e| match e {
                        fetch::FetchError::Op(op) => CliError::Op(op),
                        other => CliError::Other(crate::gui::error_chain(&other)),
                    })?;
            match out {
                Some(out) => {
                    fetch::copy_out(node.data_dir(), &fetched.path, &out)
                        .map_err(|e| CliError::Other(crate::gui::error_chain(&e)))?;
                    outln!("{}", out.display());
                }
                None => outln!("{}", fetched.path.display()),
            }
        }
    }
    Ok(())
}

fn apply_fields(form: &mut PatientForm, f: PatientFields) {
    let set = |target: &mut String, value: Option<String>| {
        if let Some(v) = value {
            *target = v;
        }
    };
    set(&mut form.first_name, f.first_name);
    set(&mut form.last_name, f.last_name);
    set(&mut form.middle_name, f.middle_name);
    set(&mut form.birth_date, f.birth_date);
    set(&mut form.sex, f.sex);
    set(&mut form.email, f.email);
    set(&mut form.address, f.address);
    set(&mut form.mrn, f.mrn);
    set(&mut form.notes, f.notes);
    set(&mut form.medical_history, f.medical_history);
    if let Some(phone) = f.phone {
        // The CLI edits the primary phone; other numbers are kept.
        if form.phones.is_empty() {
            form.phones.push(phone);
        } else {
            form.phones[0] = phone;
        }
    }
}

fn patient(node: &mut Node, session: &Session, cmd: PatientCmd) -> Result<(), CliError> {
    match cmd {
        PatientCmd::Add(fields) => {
            let mut form = PatientForm::default();
            apply_fields(&mut form, fields);
            let id = ops::patients::add(node, session, &form)?;
            outln!("{id}");
        }
        PatientCmd::Update { id, fields } => {
            let id: PatientId = parse_id("id", &id)?;
            let current = ops::patients::get(node, session, id)?;
            let mut form = PatientForm::from_patient(&current);
            apply_fields(&mut form, fields);
            ops::patients::update(node, session, id, &form)?;
        }
        PatientCmd::Show { id, json } => super::clinical::show_patient(node, session, &id, json)?,
        PatientCmd::Search { query, limit, json } => {
            let rows = ops::patients::search(node, session, &query, limit)?;
            if json {
                print::json(&rows);
            } else {
                print::patient_rows(&rows);
            }
        }
        PatientCmd::Import => import_patients(node, session)?,
        PatientCmd::Erase {
            id,
            reason,
            yes,
            json,
        } => super::erasure::erase(node, session, &id, reason.as_deref(), yes, json)?,
        PatientCmd::DueForErasure { json } => super::erasure::due(node, session, json)?,
        PatientCmd::Duplicates { json } => super::clinical::duplicates(node, session, json)?,
        PatientCmd::Merge {
            keep,
            other,
            yes,
            json,
        } => super::clinical::merge(node, session, &keep, &other, yes, json)?,
        PatientCmd::Allergy {
            id,
            substance,
            reaction,
            severity,
        } => {
            let id: PatientId = parse_id("id", &id)?;
            let allergy = ops::patients::add_allergy(
                node,
                session,
                id,
                &AllergyForm {
                    substance,
                    reaction,
                    severity,
                },
            )?;
            outln!("{allergy}");
        }
        PatientCmd::AllergyError {
            id,
            allergy,
            reason,
        } => {
            let id: PatientId = parse_id("id", &id)?;
            let allergy = parse_id("allergy", &allergy)?;
            ops::patients::mark_allergy_in_error(node, session, id, allergy, &reason)?;
        }
        PatientCmd::NoKnownAllergies { id } => {
            let id: PatientId = parse_id("id", &id)?;
            ops::patients::record_no_known_allergies(node, session, id)?;
        }
    }
    Ok(())
}

fn encounter(node: &mut Node, session: &Session, cmd: EncounterCmd) -> Result<(), CliError> {
    match cmd {
        EncounterCmd::Add {
            patient,
            date,
            complaint,
            subjective,
            objective,
            assessment,
            plan,
            diagnoses,
        } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let form = EncounterForm {
                date: date.unwrap_or_default(),
                complaint: complaint.unwrap_or_default(),
                subjective: subjective.unwrap_or_default(),
                objective: objective.unwrap_or_default(),
                assessment: assessment.unwrap_or_default(),
                plan: plan.unwrap_or_default(),
                diagnoses,
            };
            let id = ops::encounters::add(node, session, patient, &form)?;
            outln!("{id}");
        }
        EncounterCmd::Sign { id } => {
            ops::encounters::sign(node, session, parse_id::<EncounterId>("id", &id)?)?
        }
        EncounterCmd::Addendum { id, text } => {
            let addendum = ops::encounters::add_addendum(
                node,
                session,
                parse_id::<EncounterId>("id", &id)?,
                &text,
            )?;
            outln!("{addendum}");
        }
        EncounterCmd::List { patient, json } => {
            let patient: PatientId = parse_id("patient", &patient)?;
            let rows = ops::encounters::list(node, session, patient)?;
            let target = ops::audit::in_chart("encounters", patient, patient);
            ops::audit::record(node, session, AuditAction::View, target)?;
            if json {
                print::json(&rows);
            } else {
                print::encounter_rows(&rows);
            }
        }
    }
    Ok(())
}

fn product(node: &mut Node, session: &Session, cmd: ProductCmd) -> Result<(), CliError> {
    match cmd {
        ProductCmd::Add {
            sku,
            name,
            price,
            currency,
            category,
            barcode,
            reorder_level,
            tax_class,
        } => {
            let form = ProductForm {
                sku,
                name,
                price,
                currency: currency.unwrap_or_default(),
                category: category.unwrap_or_default(),
                barcode: barcode.unwrap_or_default(),
                active: true,
                reorder_level: reorder_level.unwrap_or_default(),
                tax_class: tax_class.unwrap_or_default(),
            };
            let id = ops::catalog::add_product(node, session, &form)?;
            outln!("{id}");
        }
        ProductCmd::List { json } => {
            let rows = ops::catalog::products(node, session)?;
            if json {
                print::json(&rows);
            } else {
                print::product_rows(&rows);
            }
        }
    }
    Ok(())
}

fn stock(node: &mut Node, session: &Session, cmd: StockCmd) -> Result<(), CliError> {
    let (kind, args) = match cmd {
        StockCmd::In(a) => (MovementKind::In, a),
        StockCmd::Out(a) => (MovementKind::Out, a),
        StockCmd::Adjust(a) => (MovementKind::Adjust, a),
        StockCmd::Show { sku, json } => {
            let mut rows = ops::catalog::products(node, session)?;
            if let Some(sku) = sku {
                let wanted = dermis_model::product::normalize_sku(&sku);
                rows.retain(|r| r.sku == wanted);
                if rows.is_empty() {
                    return Err(OpError::Invalid(dermis_model::ValidationErrors::single(
                        "sku",
                        dermis_model::ErrorCode::UnknownSku,
                        format!("no product with sku {wanted:?}"),
                    ))
                    .into());
                }
            }
            if json {
                let stock: Vec<_> = rows.iter().map(|r| serde_json::json!({"sku": r.sku, "name": r.name, "on_hand": r.on_hand, "reorder_level": r.reorder_level, "product_id": r.id})).collect();
                print::json(&stock);
            } else {
                print::stock_rows(&rows);
            }
            return Ok(());
        }
    };
    let movement =
        ops::catalog::move_stock(node, session, &args.sku, kind, &args.qty, &args.reason)?;
    let on_hand = ops::catalog::product_by_sku(node, &movement.sku)?.on_hand;
    outln!("{} {on_hand}", movement.sku);
    Ok(())
}

fn parse_item(raw: &str, field: &str, currency: Currency) -> Result<ItemInput, CliError> {
    let parts: Vec<&str> = raw.split(':').collect();
    let bad = || {
        usage(
            field,
            format!("{raw:?} should be SKU:QTY or SKU:QTY:DISCOUNT"),
        )
    };
    let (sku, qty, discount) = match parts.as_slice() {
        [sku, qty] => (*sku, *qty, None),
        [sku, qty, d] => (*sku, *qty, Some(*d)),
        _ => return Err(bad()),
    };
    let qty = qty.trim().parse::<i64>().map_err(|_| bad())?;
    let discount_minor = match discount {
        Some(d) => Money::parse(d, currency)
            .map(|m| m.minor)
            .map_err(|e| usage(field, e.to_string()))?,
        None => 0,
    };
    Ok(ItemInput {
        sku: sku.to_owned(),
        qty,
        discount_minor,
    })
}

fn parse_payment(raw: &str, field: &str, currency: Currency) -> Result<Payment, CliError> {
    let (method, amount) = raw.split_once(':').ok_or_else(|| {
        usage(
            field,
            format!("{raw:?} should be METHOD:AMOUNT, e.g. cash:20.00"),
        )
    })?;
    let method = PaymentMethod::parse(method).ok_or_else(|| {
        usage(
            field,
            format!("{method:?} is not a payment method (cash, card or other)"),
        )
    })?;
    let amount = Money::parse(amount, currency).map_err(|e| usage(field, e.to_string()))?;
    Ok(Payment {
        method,
        amount_minor: amount.minor,
    })
}

fn sale(node: &mut Node, session: &Session, cmd: SaleCmd) -> Result<(), CliError> {
    match cmd {
        SaleCmd::Verify { json } => return super::pos::verify(node, session, json),
        SaleCmd::Add {
            items,
            payments,
            patient,
        } => {
            let patient = patient
                .map(|p| parse_id::<PatientId>("patient", &p))
                .transpose()?;
            let currency = node.clinic()?.currency;
            let items = items
                .iter()
                .enumerate()
                .map(|(i, raw)| parse_item(raw, &format!("item[{i}]"), currency))
                .collect::<Result<Vec<_>, _>>()?;
            let payments = payments
                .iter()
                .enumerate()
                .map(|(i, raw)| parse_payment(raw, &format!("payment[{i}]"), currency))
                .collect::<Result<Vec<_>, _>>()?;
            let sale = ops::sales::sell(node, session, &items, &payments, patient)?;
            outln!("{}", sale.receipt);
        }
        SaleCmd::List { limit, json } => {
            let rows = ops::sales::recent(node, session, limit)?;
            if json {
                print::json(&rows);
            } else {
                print::sale_rows(&rows);
            }
        }
        SaleCmd::Void { receipt, reason } => {
            let void = ops::sales::void_because(node, session, &receipt, reason.as_deref())?;
            outln!("{}", void.receipt)
        }
        SaleCmd::Refund {
            receipt,
            items,
            method,
            reason,
        } => {
            let method = PaymentMethod::parse(&method)
                .ok_or_else(|| usage("method", "method must be cash, card or other"))?;
            let currency = node.clinic()?.currency;
            let items = items
                .iter()
                .enumerate()
                .map(|(i, raw)| {
                    parse_item(raw, &format!("item[{i}]"), currency).map(|it| (it.sku, it.qty))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let refund = ops::sales::refund_because(
                node,
                session,
                &receipt,
                &items,
                method,
                reason.as_deref(),
            )?;
            outln!("{}", refund.receipt);
        }
    }
    Ok(())
}

fn appointment(node: &mut Node, session: &Session, cmd: AppointmentCmd) -> Result<(), CliError> {
    match cmd {
        AppointmentCmd::Add {
            patient,
            invitee,
            start,
            minutes,
            title,
            clinician,
        } => {
            let start_ms = rfc3339_millis(&start)?;
            let clinician_id = clinician
                .map(|c| ops::appointments::clinician_named(node, &c))
                .transpose()?;
            let draft = AppointmentDraft {
                patient_id: patient.map(|p| parse_id("patient", &p)).transpose()?,
                invitee_name: invitee,
                invitee_email: None,
                title,
                start: start_ms,
                end: start_ms + minutes * 60_000,
                source: AppointmentSource::Manual,
                external_id: None,
                notes: String::new(),
                clinician_id,
                invitee_phone: None,
            };
            outln!("{}", ops::appointments::add(node, session, &draft)?);
        }
        AppointmentCmd::Cancel { id, reason } => ops::appointments::cancel(
            node,
            session,
            parse_id::<AppointmentId>("id", &id)?,
            reason.as_deref(),
        )?,
        AppointmentCmd::Move {
            id,
            start,
            minutes,
            clinician,
        } => {
            let id = parse_id::<AppointmentId>("id", &id)?;
            let start_ms = rfc3339_millis(&start)?;
            let clinician_id = clinician
                .map(|c| ops::appointments::clinician_named(node, &c))
                .transpose()?;
            ops::appointments::reschedule(
                node,
                session,
                id,
                start_ms,
                minutes.map(|m| start_ms + m * 60_000),
                clinician_id,
            )?;
        }
        AppointmentCmd::CheckIn { id } => ops::appointments::set_status(
            node,
            session,
            parse_id::<AppointmentId>("id", &id)?,
            AppointmentStatus::CheckedIn,
        )?,
        AppointmentCmd::NoShow { id } => ops::appointments::set_status(
            node,
            session,
            parse_id::<AppointmentId>("id", &id)?,
            AppointmentStatus::NoShow,
        )?,
        AppointmentCmd::Link { id, patient } => {
            ops::appointments::link(
                node,
                session,
                parse_id::<AppointmentId>("id", &id)?,
                parse_id::<PatientId>("patient", &patient)?,
            )?;
        }
        AppointmentCmd::List { from, days, json } => {
            let from = match from {
                Some(d) => {
                    let mut e = dermis_model::ValidationErrors::default();
                    let date = dermis_model::validate::date_field(&mut e, "from", &d);
                    e.into_result(()).map_err(OpError::from)?;
                    date.unwrap_or_else(crate::node::today)
                }
                None => crate::node::today(),
            };
            let start = (from.midnight().assume_utc().unix_timestamp()) * 1000;
            let rows = ops::appointments::between(node, session, start, start + days * 86_400_000)?;
            if json {
                print::json(&rows);
            } else {
                print::appointment_rows(&rows);
            }
        }
    }
    Ok(())
}

/// An RFC 3339 time as unix milliseconds, or invalid input naming `start`.
fn rfc3339_millis(text: &str) -> Result<i64, CliError> {
    use time::format_description::well_known::Rfc3339;
    let at = time::OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        usage(
            "start",
            "start must be an RFC 3339 time, e.g. 2026-12-01T09:30:00Z",
        )
    })?;
    Ok((at.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn user(node: &mut Node, session: &Session, cmd: UserCmd) -> Result<(), CliError> {
    match cmd {
        UserCmd::Add {
            username,
            display_name,
            role,
        } => {
            let password = read_stdin_secret("password")?;
            let password = password.as_str();
            let display = display_name.unwrap_or_else(|| username.clone());
            outln!(
                "{}",
                ops::users::add(node, session, &username, &display, &role, password)?
            );
        }
        UserCmd::List { json } => {
            let clinic = node.clinic()?;
            if json {
                print::json(&clinic.users);
            } else {
                for u in &clinic.users {
                    outln!(
                        "{}  {:<16} {:<10} {}{}",
                        u.id,
                        u.username,
                        u.role.as_str(),
                        u.display_name,
                        if u.active { "" } else { " (disabled)" }
                    );
                }
            }
        }
    }
    Ok(())
}

fn conflict(node: &mut Node, session: &Session, cmd: ConflictCmd) -> Result<(), CliError> {
    match cmd {
        ConflictCmd::List { json } => {
            let rows = ops::conflicts::list(node, session)?;
            if json {
                print::json(&rows);
            } else {
                for r in &rows {
                    let values: Vec<String> = r.values.iter().map(|v| v.to_string()).collect();
                    outln!(
                        "{} {} {}: {}",
                        r.doc_type,
                        r.doc_id,
                        r.path.join("."),
                        values.join(" | ")
                    );
                }
            }
        }
        ConflictCmd::Resolve { doc, path, value } => {
            let path: Vec<String> = if path.starts_with('[') {
                serde_json::from_str(&path).map_err(|_| {
                    usage("path", "path must be dot-separated or a JSON array of keys")
                })?
            } else {
                path.split('.').map(str::to_owned).collect()
            };
            ops::conflicts::resolve(
                node,
                session,
                &doc,
                &path,
                &serde_json::Value::String(value),
            )?;
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportLine {
    first_name: Option<String>,
    last_name: Option<String>,
    middle_name: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    mrn: Option<String>,
    notes: Option<String>,
    medical_history: Option<String>,
}

fn import_patients(node: &mut Node, session: &Session) -> Result<(), CliError> {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.map_err(|e| CliError::Other(format!("cannot read standard input: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let field = format!("line {}", n + 1);
        let parsed: ImportLine =
            serde_json::from_str(&line).map_err(|e| usage(&field, e.to_string()))?;
        let mut form = PatientForm::default();
        apply_fields(
            &mut form,
            PatientFields {
                first_name: parsed.first_name,
                last_name: parsed.last_name,
                middle_name: parsed.middle_name,
                birth_date: parsed.birth_date,
                sex: parsed.sex,
                phone: parsed.phone,
                email: parsed.email,
                address: parsed.address,
                mrn: parsed.mrn,
                notes: parsed.notes,
                medical_history: parsed.medical_history,
            },
        );
        let id = match ops::patients::add(node, session, &form) {
            Ok(id) => id,
            Err(OpError::Invalid(mut errors)) => {
                for e in &mut errors.0 {
                    e.field = format!("{field}: {}", e.field);
                }
                return Err(OpError::Invalid(errors).into());
            }
            Err(e) => return Err(e.into()),
        };
        // Printed only after the commit: a printed id is a saved patient.
        outln!("{id}");
    }
    Ok(())
}
