//! What the worker does with each command: call the command layer (`ops`) as the
//! signed-in session, read the index tables, and turn results and errors into replies.
//! Causes of failures are logged here, once, without patient data; the UI only gets a
//! code it can translate.

use std::collections::BTreeMap;

use dermis_model::clinic::{self, Clinic, Permission};
use dermis_model::encounter::EncounterForm;
use dermis_model::patient::PatientForm;
use dermis_model::{Currency, ErrorCode, PatientId, ValidationErrors};

use super::BackendConfig;
use super::protocol::*;
use super::reads::{
    full_view, load_banner, load_photos, movements, open_encounter, open_patient, quote, refresh,
    scan, store_err,
};
use crate::node::{Node, OpError, Session};
use crate::ops::{self, photos};
use crate::store::{StoreError, queries};

/// Patients a search or the recent list returns at most.
const PATIENT_LIMIT: usize = 200;
/// How many patients the till offers for a typed name: a short list to pick from.
const BUYER_LIMIT: usize = 8;

pub(super) struct State {
    config: BackendConfig,
    node: Option<Node>,
    session: Option<Session>,
    /// The window is locked: the session is kept but serves nothing until unlocked.
    locked: bool,
    /// What the audit trail last recorded as viewed, so refreshing the chart on screen
    /// (after a sync, say) is not a new view.
    viewed: Option<dermis_model::audit::AuditTarget>,
    /// Views queued in the audit trail since its last flush (`None`: not known, as after
    /// opening a store a killed window may have left entries in).
    audit_queued: Option<usize>,
    data_version: Option<i64>,
}

/// Queued views moved into their ledger at once, whether the window is idle or not.
const AUDIT_FLUSH_AT: usize = 64;

pub(super) type Outcome = Result<Vec<Reply>, (Op, UiError)>;

pub(super) fn one(reply: Reply) -> Outcome {
    Ok(vec![reply])
}

/// Maps an error to what the UI may show, logging causes that are not the user's input.
/// Imports each file with the same body part, tags and visit. A file that is not an
/// image (or cannot be read) is reported by name and the others still go in; a refusal
/// that is not about the file (the tags, the visit, the role) stops at the first file
/// with nothing imported, as a form error.
fn import_photos(
    node: &mut Node,
    session: &Session,
    config: &BackendConfig,
    mut input: photos::PhotoImport,
    files: Vec<std::path::PathBuf>,
) -> Outcome {
    let patient = input.patient;
    let mut added = 0;
    let mut failed = Vec::new();
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string());
        input.file = file;
        let error = match photos::add(node, session, &input, config.max_photo_bytes) {
            Ok(_) => {
                added += 1;
                continue;
            }
            Err(e) => e,
        };
        let about_file = error.field() == Some("file");
        let error = match error {
            photos::PhotoError::Op(op) => ui_error(&op),
            photos::PhotoError::Read { .. } => UiError::Unreadable,
            photos::PhotoError::Undecodable { .. } => UiError::Invalid(ValidationErrors::single(
                "file",
                ErrorCode::InvalidMime,
                "the file does not decode as an image",
            )),
            other => {
                let chain = crate::gui::error_chain(&other);
                tracing::error!(error = %chain, "photo import failed");
                UiError::Storage
            }
        };
        if about_file || matches!(error, UiError::Unreadable) {
            failed.push((name, error));
        } else if added == 0 && failed.is_empty() {
            return Err((Op::ImportPhoto, error));
        } else {
            failed.push((name, error));
            break;
        }
    }
    // The screen asks for the list again itself, naming the thumbnails it holds, so
    // only the new photos are decoded.
    one(Reply::PhotosAdded {
        patient,
        added,
        failed,
    })
}

/// A visit's document written to the printouts folder and opened in the system's viewer.
fn print_document(
    node: &mut Node,
    session: &Session,
    config: &BackendConfig,
    encounter: dermis_model::EncounterId,
    kind: crate::print::document::Kind,
    locale: crate::i18n::Locale,
) -> Outcome {
    use crate::ops::documents::{self, DocumentError};
    let bytes = documents::pdf(node, session, encounter, kind, locale).map_err(|e| match e {
        DocumentError::Op(op) => (Op::Print, ui_error(&op)),
        DocumentError::Pdf(e) => {
            tracing::error!(error = %crate::gui::error_chain(&e), "cannot lay out a document");
            (Op::Print, UiError::Storage)
        }
    })?;
    let stem = match kind {
        crate::print::document::Kind::Prescription => format!("prescription-{encounter}"),
        crate::print::document::Kind::Summary => format!("visit-summary-{encounter}"),
    };
    let path = super::printouts::write(&config.data_dir, &stem, &bytes).map_err(|e| {
        tracing::error!(error = %e, "cannot write a printout");
        let full = e.kind() == std::io::ErrorKind::StorageFull;
        (
            Op::Print,
            if full {
                UiError::DiskFull
            } else {
                UiError::Storage
            },
        )
    })?;
    let opened = super::printouts::open(&path, config.viewer);
    one(Reply::Printed { path, opened })
}

pub(super) fn ui_error(error: &OpError) -> UiError {
    match error {
        OpError::Invalid(errors) => UiError::Invalid(errors.clone()),
        OpError::Denied { permission } => UiError::Denied(*permission),
        OpError::Store(StoreError::DiskFull { .. }) => UiError::DiskFull,
        OpError::Store(StoreError::Busy { .. }) => UiError::Busy,
        other => {
            let chain = crate::gui::error_chain(other);
            tracing::error!(error = %chain, "storage failure in the desktop app");
            UiError::Storage
        }
    }
}

pub(super) fn fail(op: Op) -> impl Fn(OpError) -> (Op, UiError) {
    move |e| (op, ui_error(&e))
}

impl State {
    pub(super) fn new(config: BackendConfig) -> State {
        State {
            config,
            node: None,
            session: None,
            locked: false,
            viewed: None,
            audit_queued: None,
            data_version: None,
        }
    }

    /// Moves queued views into their ledger ([`ops::audit::flush_queue`]): all of them
    /// when `idle` (and what a killed window left behind), else once [`AUDIT_FLUSH_AT`]
    /// have gathered. Needs someone signed in; a failure leaves them queued, durable.
    pub(super) fn flush_audit(&mut self, idle: bool) {
        let due = match self.audit_queued {
            None => idle,
            Some(n) => n > 0 && (idle || n >= AUDIT_FLUSH_AT),
        };
        let (true, Some(node), Some(session)) = (due, self.node.as_mut(), self.session.as_ref())
        else {
            return;
        };
        match ops::audit::flush_queue(node, session) {
            Ok(_) => self.audit_queued = Some(0),
            Err(error) => tracing::warn!(%error, "queued audit entries stay queued"),
        }
    }

    /// Opens the store, or reports that this data directory has none yet.
    pub(super) fn open(&mut self) -> Vec<Reply> {
        match Node::open(&self.config.data_dir) {
            Ok(mut node) => {
                let name = node.clinic().map(|c| c.name).unwrap_or_default();
                self.data_version = node.store.data_version().ok();
                self.node = Some(node);
                vec![Reply::Ready { clinic_name: name }]
            }
            Err(OpError::Store(StoreError::NotInitialized { .. }) | OpError::NoClinic) => {
                vec![Reply::NeedsSetup]
            }
            Err(e) => vec![Reply::Failed {
                op: Op::Open,
                error: ui_error(&e),
            }],
        }
    }

    /// Whether another connection committed since the last look.
    pub(super) fn changed_elsewhere(&mut self) -> bool {
        let Some(node) = &self.node else { return false };
        let Ok(now) = node.store.data_version() else {
            return false;
        };
        let changed = self.data_version.is_some_and(|before| before != now);
        self.data_version = Some(now);
        changed && self.session.is_some()
    }

    pub(super) fn handle(&mut self, command: Command) -> Vec<Reply> {
        let outcome = match command {
            Command::Setup(form) => self.setup(&form),
            Command::Login { username, password } => self.login(&username, &password),
            Command::Logout => {
                self.flush_audit(true);
                self.session = None;
                self.viewed = None;
                self.locked = false;
                one(Reply::LoggedOut)
            }
            Command::Lock => {
                self.locked = self.session.is_some();
                Ok(Vec::new())
            }
            Command::Unlock { password } => self.unlock(&password),
            Command::SavePreferences(prefs) => {
                if let Err(error) = crate::gui::prefs::save(&self.config.data_dir, prefs) {
                    tracing::warn!(%error, "cannot remember the window's preferences");
                }
                Ok(Vec::new())
            }
            Command::MarkReady { file } => {
                if let Err(error) = std::fs::write(&file, b"ready\n") {
                    tracing::warn!(%error, "cannot write the ready file");
                }
                Ok(Vec::new())
            }
            other => match (self.node.as_mut(), self.session.as_ref()) {
                (Some(node), Some(session)) if !self.locked => {
                    let view = viewed_by(node, &other);
                    let outcome = run(node, session, &self.config, other);
                    match (view, outcome) {
                        (Some(target), Ok(replies)) => {
                            audit_view(node, session, target, &mut self.viewed)
                                .map_err(fail(Op::Load))
                                .map(|queued| {
                                    if queued {
                                        // Unknown leftovers count as none: idle moves them.
                                        let before = self.audit_queued.unwrap_or(0);
                                        self.audit_queued = Some(before + 1);
                                    }
                                    replies
                                })
                        }
                        (_, outcome) => outcome,
                    }
                }
                // Nobody is signed in: nothing but setup and login is allowed.
                _ => Err((Op::Load, UiError::Denied(Permission::ViewPatients))),
            },
        };
        match outcome {
            Ok(replies) => replies,
            Err((op, error)) => vec![Reply::Failed { op, error }],
        }
    }

    fn setup(&mut self, form: &SetupForm) -> Outcome {
        if self.node.is_some() {
            return Err((Op::Setup, UiError::Denied(Permission::ManageSettings)));
        }
        // Check everything before creating anything, so a weak password does not leave
        // a clinic without an administrator behind.
        let mut errors = ValidationErrors::default();
        if let Err(e) = clinic::ClinicDraft::new(&form.clinic_name) {
            errors.0.extend(e.0);
        }
        dermis_model::validate::text_field(
            &mut errors,
            "node_name",
            &form.node_name,
            true,
            100,
            false,
        );
        let empty = Clinic {
            id: dermis_model::ClinicId::new(),
            name: String::new(),
            currency: Currency::EUR,
            default_locale: "en".into(),
            tax_rates: BTreeMap::new(),
            prices_include_tax: true,
            users: Vec::new(),
        };
        if let Err(e) = clinic::validate_user(
            &empty,
            &form.username,
            &form.display_name,
            "admin",
            &form.password,
        ) {
            errors.0.extend(e.0);
        }
        if !errors.is_empty() {
            return Err((Op::Setup, UiError::Invalid(errors)));
        }
        let fail = fail(Op::Setup);
        let mut node =
            Node::init(&self.config.data_dir, &form.clinic_name, &form.node_name).map_err(&fail)?;
        ops::users::add(
            &mut node,
            &Session::operator(),
            &form.username,
            &form.display_name,
            "admin",
            &form.password,
        )
        .map_err(&fail)?;
        self.data_version = node.store.data_version().ok();
        self.node = Some(node);
        self.login(&form.username, &form.password)
    }

    fn login(&mut self, username: &str, password: &str) -> Outcome {
        let Some(node) = self.node.as_mut() else {
            return one(Reply::NeedsSetup);
        };
        let fail = fail(Op::Login);
        let session = match ops::users::login(node, username, password).map_err(&fail)? {
            ops::users::Login::SignedIn(session) => session,
            ops::users::Login::Refused => return one(Reply::LoginFailed),
            ops::users::Login::LockedOut { until } => return one(Reply::LockedOut { until }),
        };
        let clinic = node.clinic().map_err(&fail)?;
        let Some(user) = &session.user else {
            return one(Reply::LoginFailed);
        };
        let info = SessionInfo {
            user_id: Some(user.id),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            clinic_name: clinic.name.clone(),
            node_name: node.identity.node_name.clone(),
            currency: clinic.currency.code().to_owned(),
            tax_classes: clinic.tax_rates.keys().cloned().collect(),
        };
        self.session = Some(session);
        self.locked = false;
        one(Reply::LoggedIn(Box::new(info)))
    }

    /// The signed-in user's password again, with the same lockout as a sign-in.
    fn unlock(&mut self, password: &str) -> Outcome {
        let (Some(node), Some(session)) = (self.node.as_mut(), self.session.as_ref()) else {
            return one(Reply::LoggedOut);
        };
        let Some(user) = &session.user else {
            return one(Reply::LoggedOut);
        };
        let fail = fail(Op::Login);
        match ops::users::login(node, &user.username, password).map_err(&fail)? {
            ops::users::Login::SignedIn(again) if again.user_id() == session.user_id() => {
                self.locked = false;
                one(Reply::Unlocked)
            }
            ops::users::Login::SignedIn(_) | ops::users::Login::Refused => one(Reply::LoginFailed),
            ops::users::Login::LockedOut { until } => one(Reply::LockedOut { until }),
        }
    }
}

/// What `command` shows of a patient's chart, for the audit trail.
fn viewed_by(node: &Node, command: &Command) -> Option<dermis_model::audit::AuditTarget> {
    match command {
        Command::OpenPatient { id } => Some(ops::audit::patient(*id)),
        Command::LoadPhotos { patient, .. } => {
            Some(ops::audit::in_chart("photos", patient, *patient))
        }
        Command::OpenEncounter { id } => {
            let patient = queries::patient_of_encounter(node.store.conn(), &id.to_string())
                .ok()
                .flatten()?
                .parse()
                .ok()?;
            Some(ops::audit::in_chart("encounter", id, patient))
        }
        _ => None,
    }
}

/// Records a view of a chart, a visit or a patient's photos once per opening (a refresh
/// of what is on screen is not a new view), in the audit queue; whether it did.
fn audit_view(
    node: &mut Node,
    session: &Session,
    target: dermis_model::audit::AuditTarget,
    viewed: &mut Option<dermis_model::audit::AuditTarget>,
) -> Result<bool, OpError> {
    use dermis_model::audit::AuditAction;
    if viewed.as_ref() == Some(&target) {
        return Ok(false);
    }
    ops::audit::queue(node, session, AuditAction::View, target.clone())?;
    *viewed = Some(target);
    Ok(true)
}

fn run(node: &mut Node, session: &Session, config: &BackendConfig, command: Command) -> Outcome {
    match command {
        Command::Refresh(view) => refresh(node, session, view),
        Command::FindBuyers { generation, query } => {
            let rows = ops::patients::search(node, session, &query, BUYER_LIMIT)
                .map_err(fail(Op::Load))?;
            one(Reply::Buyers { generation, rows })
        }
        Command::SearchPatients { generation, query } => {
            let rows = if query.trim().is_empty() {
                ops::patients::recent(node, session, PATIENT_LIMIT)
            } else {
                ops::patients::search(node, session, &query, PATIENT_LIMIT)
            }
            .map_err(fail(Op::Load))?;
            one(Reply::Patients { generation, rows })
        }
        Command::OpenPatient { id } => open_patient(node, session, id),
        Command::SavePatient { id, form } => save_patient(node, session, id, form),
        Command::AddAllergy { patient, form } => {
            ops::patients::add_allergy(node, session, patient, &form)
                .map_err(fail(Op::AddAllergy))?;
            let mut replies = vec![Reply::AllergyAdded { patient }];
            replies.extend(open_patient(node, session, patient)?);
            Ok(replies)
        }
        Command::MarkAllergyInError {
            patient,
            allergy,
            reason,
        } => {
            ops::patients::mark_allergy_in_error(node, session, patient, allergy, &reason)
                .map_err(fail(Op::AddAllergy))?;
            let mut replies = vec![Reply::AllergyAdded { patient }];
            replies.extend(open_patient(node, session, patient)?);
            Ok(replies)
        }
        Command::RecordNoKnownAllergies { patient } => {
            ops::patients::record_no_known_allergies(node, session, patient)
                .map_err(fail(Op::AddAllergy))?;
            open_patient(node, session, patient)
        }
        Command::LoadBanner { patient } => load_banner(node, session, patient),
        Command::KeepDraft { key, patient, form } => {
            session
                .require(Permission::EditClinical)
                .map_err(fail(Op::SaveEncounter))?;
            let json = serde_json::to_string(&form).map_err(|e| {
                tracing::error!(error = %e, "a visit draft cannot be written as JSON");
                (Op::SaveEncounter, UiError::Storage)
            })?;
            crate::store::drafts::keep(
                node.store.conn(),
                key,
                &user_key(session),
                &patient.to_string(),
                &json,
                dermis_model::now_millis(),
            )
            .map_err(store_err(Op::SaveEncounter))?;
            Ok(Vec::new())
        }
        Command::LoadDraft { key } => {
            session
                .require(Permission::EditClinical)
                .map_err(fail(Op::Load))?;
            let kept = crate::store::drafts::kept(node.store.conn(), key, &user_key(session))
                .map_err(store_err(Op::Load))?;
            Ok(kept
                .and_then(|draft| {
                    // A draft that no longer reads as a form is dropped, not shown half.
                    serde_json::from_str::<EncounterForm>(&draft.form)
                        .ok()
                        .map(|form| Reply::Draft {
                            key,
                            form: Box::new(form),
                            kept_at: draft.kept_at,
                        })
                })
                .into_iter()
                .collect())
        }
        Command::ForgetDraft { key } => {
            forget_draft(node, session, key);
            Ok(Vec::new())
        }
        Command::OpenEncounter { id } => open_encounter(node, session, id),
        Command::SaveEncounter { patient, id, form } => {
            let fail = fail(Op::SaveEncounter);
            let typed_id = id;
            let id = match id {
                Some(id) => {
                    ops::encounters::update(node, session, id, &form).map_err(&fail)?;
                    id
                }
                None => ops::encounters::add(node, session, patient, &form).map_err(&fail)?,
            };
            let key = match typed_id {
                Some(visit) => DraftKey::Visit(visit),
                None => DraftKey::New(patient),
            };
            forget_draft(node, session, key);
            let mut replies = vec![Reply::EncounterSaved { patient, id }];
            replies.extend(open_encounter(node, session, id)?);
            Ok(replies)
        }
        Command::Prescribe { encounter, form } => {
            ops::prescriptions::add(node, session, encounter, &form)
                .map_err(fail(Op::Prescribe))?;
            let mut replies = vec![Reply::Prescribed { encounter }];
            replies.extend(open_encounter(node, session, encounter)?);
            Ok(replies)
        }
        Command::PrintDocument {
            encounter,
            kind,
            locale,
        } => print_document(node, session, config, encounter, kind, locale),
        Command::SignEncounter { id } => {
            ops::encounters::sign(node, session, id).map_err(fail(Op::Sign))?;
            open_encounter(node, session, id)
        }
        Command::AddAddendum { id, text } => {
            ops::encounters::add_addendum(node, session, id, &text).map_err(fail(Op::Addendum))?;
            open_encounter(node, session, id)
        }
        Command::ImportPhotos {
            patient,
            files,
            body_part,
            tags,
            encounter,
        } => import_photos(
            node,
            session,
            config,
            photos::PhotoImport {
                patient,
                file: std::path::PathBuf::new(),
                body_part,
                tags,
                encounter,
            },
            files,
        ),
        Command::ListFolder { path } => {
            // The browser only serves the import: roles that cannot import see no folders.
            session
                .require(Permission::EditClinical)
                .map_err(fail(Op::ImportPhoto))?;
            one(Reply::Folder(Box::new(super::folders::list(&path))))
        }
        Command::LoadPhotos { patient, have } => load_photos(node, session, patient, &have),
        Command::LoadPhoto { id, sha256 } => {
            session
                .require(Permission::ViewClinical)
                .map_err(fail(Op::Load))?;
            let picture = full_view(node, session, id, &sha256).map_err(|(_, e)| e);
            one(Reply::PhotoImage { id, picture })
        }
        Command::FindProducts { generation, query } => {
            session.require(Permission::Sell).map_err(fail(Op::Load))?;
            // An empty search lists what is for sale: a clinic's catalog is short.
            let rows = if query.trim().is_empty() {
                queries::products(node.store.conn())
                    .map_err(store_err(Op::Load))?
                    .into_iter()
                    .filter(|p| p.active)
                    .take(50)
                    .collect()
            } else {
                queries::find_products(node.store.conn(), &query, 50)
                    .map_err(store_err(Op::Load))?
            };
            one(Reply::Products { generation, rows })
        }
        Command::Scan { code } => scan(node, session, &code),
        Command::Quote {
            generation,
            items,
            payments,
        } => {
            let result = quote(node, &items, &payments);
            one(Reply::Quote {
                generation,
                result: result.map(Box::new),
            })
        }
        Command::Sell {
            items,
            payments,
            patient,
        } => {
            let sale = ops::sales::sell(node, session, &items, &payments, patient)
                .map_err(fail(Op::Sell))?;
            one(Reply::Sold(Box::new(sale)))
        }
        Command::SearchJournal {
            generation,
            search,
            offset,
        } => super::journal::search(node, session, generation, &search, offset),
        Command::OpenSale { receipt } => super::journal::open(node, session, &receipt),
        Command::RefundSale {
            receipt,
            items,
            method,
            reason,
        } => super::journal::refund(node, session, &receipt, &items, method, &reason),
        Command::VoidSale { receipt, reason } => {
            super::journal::void(node, session, &receipt, &reason)
        }
        Command::PrintReceipt { receipt, format } => super::journal::print(
            node,
            session,
            &config.data_dir,
            config.viewer,
            &receipt,
            format,
        ),
        Command::SaveProduct { id, form } => {
            let fail = fail(Op::SaveProduct);
            let id = match id {
                Some(id) => {
                    ops::catalog::update_product(node, session, id, &form).map_err(&fail)?;
                    id
                }
                None => ops::catalog::add_product(node, session, &form).map_err(&fail)?,
            };
            let mut replies = vec![Reply::ProductSaved { id }];
            replies.extend(refresh(node, session, View::Catalog)?);
            Ok(replies)
        }
        Command::MoveStock {
            sku,
            kind,
            qty,
            reason,
        } => {
            let movement = ops::catalog::move_stock(node, session, &sku, kind, &qty, &reason)
                .map_err(fail(Op::MoveStock))?;
            let mut replies = vec![Reply::StockMoved {
                sku: movement.sku.clone(),
            }];
            replies.extend(refresh(node, session, View::Catalog)?);
            replies.extend(movements(node, session, &movement.product_id.to_string())?);
            Ok(replies)
        }
        Command::Movements { product_id } => movements(node, session, &product_id),
        Command::ResolveConflict {
            doc_id,
            path,
            value,
        } => {
            ops::conflicts::resolve(node, session, &doc_id, &path, &value)
                .map_err(fail(Op::Resolve))?;
            let mut replies = vec![Reply::ConflictResolved];
            replies.extend(refresh(node, session, View::Conflicts)?);
            Ok(replies)
        }
        Command::AddUser {
            username,
            display_name,
            role,
            password,
        } => {
            ops::users::add(node, session, &username, &display_name, &role, &password)
                .map_err(fail(Op::AddUser))?;
            user_changed(node, session)
        }
        Command::SetRole { id, role } => {
            ops::users::set_role(node, session, id, role).map_err(fail(Op::ChangeUser))?;
            user_changed(node, session)
        }
        Command::SetActive { id, active } => {
            ops::users::set_active(node, session, id, active).map_err(fail(Op::ChangeUser))?;
            user_changed(node, session)
        }
        Command::ResetPassword { id, password } => {
            ops::users::set_password(node, session, id, &password).map_err(fail(Op::ChangeUser))?;
            user_changed(node, session)
        }
        Command::Shift(command) => super::shifts::handle(node, session, config, command),
        Command::Clinic(command) => super::clinic::handle(node, session, command),
        Command::Book(command) => super::calendar::run(node, session, command),
        Command::Setup(_)
        | Command::Login { .. }
        | Command::Logout
        | Command::Lock
        | Command::Unlock { .. }
        | Command::SavePreferences(_)
        | Command::MarkReady { .. } => Ok(Vec::new()),
    }
}

/// Whose drafts: the signed-in user ('' for the operator of a node without staff).
fn user_key(session: &Session) -> String {
    session.user_id().map(|u| u.to_string()).unwrap_or_default()
}

/// Forgets a visit's draft once it is saved or discarded. A failure leaves a draft that
/// the next opening offers again: logged, not an error for the save that succeeded.
fn forget_draft(node: &mut Node, session: &Session, key: DraftKey) {
    if let Err(error) = crate::store::drafts::forget(node.store.conn(), key, &user_key(session)) {
        tracing::warn!(%error, "a saved visit's draft could not be forgotten");
    }
}

fn user_changed(node: &mut Node, session: &Session) -> Outcome {
    let mut replies = vec![Reply::UserChanged];
    replies.extend(refresh(node, session, View::Users)?);
    Ok(replies)
}

/// Saves a patient. A role that cannot read clinical notes gets a form without them;
/// they are filled back in from the stored document here so that saving demographics
/// never blanks the history or notes it could not see.
fn save_patient(
    node: &mut Node,
    session: &Session,
    id: Option<PatientId>,
    mut form: PatientForm,
) -> Outcome {
    let fail = fail(Op::SavePatient);
    let id = match id {
        Some(id) => {
            if !session.can(Permission::ViewClinical) {
                let stored = ops::patients::get(node, &Session::operator(), id).map_err(&fail)?;
                form.medical_history = stored.medical_history;
                form.notes = stored.notes;
            }
            ops::patients::update(node, session, id, &form).map_err(&fail)?;
            id
        }
        None => ops::patients::add(node, session, &form).map_err(&fail)?,
    };
    let mut replies = vec![Reply::PatientSaved { id }];
    replies.extend(open_patient(node, session, id)?);
    Ok(replies)
}
