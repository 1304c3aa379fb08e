//! The read side of the worker: snapshots for the screens (dashboard, lists, a patient,
//! a visit, photos as pixels, the till's lookups and quotes), each checked against the
//! session through `ops` before anything is read.

use std::collections::HashSet;

use dermis_model::clinic::Permission;
use dermis_model::ledger::{self, PaymentMethod};
use dermis_model::{ErrorCode, PatientId, PhotoId, ValidationErrors};

use super::handlers::{Outcome, fail, one, ui_error};
use super::protocol::*;
use crate::node::{Node, OpError, Session};
use crate::ops::{self, photos};
use crate::store::{StoreError, queries};

/// Longest side of the full view of a photo.
const FULL_VIEW_SIDE: u32 = 1600;

pub(super) fn store_err(op: Op) -> impl Fn(StoreError) -> (Op, UiError) {
    move |e| (op, ui_error(&OpError::Store(e)))
}

fn sync_summary(node: &Node) -> Result<SyncSummary, (Op, UiError)> {
    let conn = node.store.conn();
    Ok(SyncSummary {
        state: queries::sync_state(conn).map_err(store_err(Op::Load))?,
        outbox: queries::outbox_stats(conn).map_err(store_err(Op::Load))?,
        photos: crate::store::photo_uploads::figures(conn).map_err(store_err(Op::Load))?,
        refused: queries::refused_docs(conn).map_err(store_err(Op::Load))?,
    })
}

pub(super) fn refresh(node: &mut Node, session: &Session, view: View) -> Outcome {
    let load = fail(Op::Load);
    match view {
        View::Dashboard => {
            // Today on this workstation's clock, as the appointment book shows it.
            let today = crate::localtime::today();
            let day = crate::localtime::day_start(today);
            let next = crate::localtime::day_start(today + time::Duration::days(1));
            let appointments = if session.can(Permission::ViewPatients) {
                ops::appointments::between(node, session, day, next).map_err(&load)?
            } else {
                Vec::new()
            };
            let recent = ops::patients::recent(node, session, 12).map_err(&load)?;
            let low_stock = if session.can(Permission::ManageStock) {
                ops::catalog::low_stock(node).map_err(&load)?.len()
            } else {
                0
            };
            let conflicts = ops::conflicts::list(node, session).map_err(&load)?.len();
            let drafts = if session.can(Permission::ViewClinical) {
                queries::draft_encounters(node.store.conn(), DRAFTS_SHOWN)
                    .map_err(store_err(Op::Load))?
            } else {
                Vec::new()
            };
            one(Reply::Dashboard(Box::new(DashboardData {
                drafts,
                appointments,
                recent,
                sync: sync_summary(node)?,
                low_stock,
                conflicts,
            })))
        }
        View::Catalog => {
            let products = ops::catalog::products(node, session).map_err(&load)?;
            one(Reply::Catalog { products })
        }
        View::SyncStatus => one(Reply::SyncStatus(Box::new(sync_summary(node)?))),
        View::Sync => {
            let mut docs =
                queries::recent_docs(node.store.conn(), 100).map_err(store_err(Op::Load))?;
            if !session.can(Permission::ViewPatients) {
                // A name is patient data: a role that cannot open patients sees the kind.
                for doc in docs.iter_mut().filter(|d| d.doc_type != "product") {
                    doc.label = None;
                }
            }
            one(Reply::Sync(Box::new(SyncView {
                summary: sync_summary(node)?,
                docs,
            })))
        }
        View::Conflicts => {
            let rows = ops::conflicts::list(node, session).map_err(&load)?;
            let products = queries::products(node.store.conn()).map_err(store_err(Op::Load))?;
            let users = node.clinic().map_err(&load)?.users;
            let own = node.identity.node_id.to_string();
            let own_name = node.identity.node_name.clone();
            let conn = node.store.conn();
            let source_view = |s: &queries::ConflictSource| -> Result<ValueSourceView, _> {
                let who = match s.by.as_str() {
                    "user" => Writer::User(
                        users
                            .iter()
                            .find(|u| Some(u.id.to_string()) == s.user_id)
                            .map(|u| u.display_name.clone()),
                    ),
                    "operator" => Writer::Operator,
                    "hub" => Writer::Hub,
                    _ => Writer::Unknown,
                };
                let workstation = match &s.node_id {
                    None => Workstation::None,
                    Some(n) if *n == own => Workstation::This(own_name.clone()),
                    Some(n) => Workstation::Other(
                        crate::store::pos::node_code(conn, n)?
                            .unwrap_or_else(|| n.chars().take(8).collect()),
                    ),
                };
                Ok(ValueSourceView {
                    who,
                    workstation,
                    at: s.at,
                })
            };
            let mut items = Vec::with_capacity(rows.len());
            for row in rows {
                let sources = row
                    .sources
                    .iter()
                    .map(|s| s.as_ref().map(&source_view).transpose())
                    .collect::<Result<Vec<_>, StoreError>>()
                    .map_err(store_err(Op::Load))?;
                let subject = match row.doc_type.as_str() {
                    "patient" => queries::patient_by_id(node.store.conn(), &row.doc_id)
                        .map_err(store_err(Op::Load))?
                        .map(|p| format!("{} {}", p.last_name, p.first_name)),
                    "product" => products
                        .iter()
                        .find(|p| p.id == row.doc_id)
                        .map(|p| format!("{} · {}", p.sku, p.name)),
                    _ => None,
                };
                items.push(ConflictItem {
                    row,
                    subject,
                    sources,
                });
            }
            one(Reply::Conflicts(items))
        }
        View::Users => {
            session.require(Permission::ManageUsers).map_err(&load)?;
            let clinic = node.clinic().map_err(&load)?;
            let users = clinic
                .users
                .into_iter()
                .map(|u| UserRow {
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                    role: u.role,
                    active: u.active,
                })
                .collect();
            one(Reply::Users(users))
        }
    }
}

/// The latest purchases a chart lists (the journal has them all).
const PURCHASES_SHOWN: usize = 20;

pub(super) fn open_patient(node: &mut Node, session: &Session, id: PatientId) -> Outcome {
    let load = fail(Op::Load);
    let patient = ops::patients::get(node, session, id).map_err(&load)?;
    let encounters = if session.can(Permission::ViewClinical) {
        ops::encounters::list(node, session, id).map_err(&load)?
    } else {
        Vec::new()
    };
    let purchases = ops::sales::of_patient(node, session, id, PURCHASES_SHOWN).map_err(&load)?;
    let pending =
        queries::is_pending(node.store.conn(), &id.to_string()).map_err(store_err(Op::Load))?;
    one(Reply::Patient(Box::new(PatientView {
        patient,
        encounters,
        purchases,
        pending,
    })))
}

/// Opening a clinical note needs the right to see clinical data, whatever the UI shows:
/// this is the check a cashier meets if a button to open a visit is ever reached.
pub(super) fn open_encounter(
    node: &mut Node,
    session: &Session,
    id: dermis_model::EncounterId,
) -> Outcome {
    let load = fail(Op::Load);
    session.require(Permission::ViewClinical).map_err(&load)?;
    let missing = || {
        (
            Op::Load,
            UiError::Invalid(ValidationErrors::single(
                "encounter",
                ErrorCode::UnknownEncounter,
                "no such visit",
            )),
        )
    };
    let patient_id: PatientId = queries::patient_of_encounter(node.store.conn(), &id.to_string())
        .map_err(store_err(Op::Load))?
        .and_then(|p| p.parse().ok())
        .ok_or_else(missing)?;
    let patient = ops::patients::get(node, session, patient_id).map_err(&load)?;
    let encounter = patient
        .encounters
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(missing)?;
    let pending = queries::is_pending(node.store.conn(), &patient_id.to_string())
        .map_err(store_err(Op::Load))?;
    one(Reply::Encounter(Box::new(EncounterView {
        banner: PatientBanner::of(&patient, true),
        encounter,
        pending,
    })))
}

/// Unsigned visits the dashboard lists at most.
const DRAFTS_SHOWN: usize = 20;

pub(super) fn load_banner(node: &mut Node, session: &Session, patient: PatientId) -> Outcome {
    let read = ops::patients::get(node, session, patient).map_err(fail(Op::Load))?;
    let clinical = session.can(Permission::ViewClinical);
    one(Reply::Banner(Box::new(PatientBanner::of(&read, clinical))))
}

/// The patient's photos, and a thumbnail for each one the screen does not hold (`have`):
/// a refresh that finds the same photos decodes nothing.
pub(super) fn load_photos(
    node: &mut Node,
    session: &Session,
    patient: PatientId,
    have: &[ThumbnailKey],
) -> Outcome {
    let list = photos::list(node, session, patient).map_err(fail(Op::Load))?;
    let visits = ops::encounters::list(node, session, patient).map_err(fail(Op::Load))?;
    let have: HashSet<(&PhotoId, &str)> = have.iter().map(|k| (&k.id, k.sha256.as_str())).collect();
    let mut replies = Vec::with_capacity(list.len() + 1);
    for listing in &list {
        if have.contains(&(&listing.photo.id, listing.photo.sha256.as_str())) {
            continue;
        }
        match photos::thumbnail_bytes(node.data_dir(), &listing.photo.sha256)
            .ok()
            .and_then(|bytes| picture(&bytes, photos::THUMBNAIL_SIDE))
        {
            Some(picture) => replies.push(Reply::Thumbnail {
                key: ThumbnailKey {
                    id: listing.photo.id,
                    sha256: listing.photo.sha256.clone(),
                },
                picture,
            }),
            None => tracing::warn!("a photo has neither a thumbnail nor a readable original"),
        }
    }
    replies.insert(
        0,
        Reply::Photos {
            patient,
            photos: list,
            visits,
        },
    );
    Ok(replies)
}

/// The full view of a photo: its original when this node holds it, else the hub's full
/// view image through the same fetch (and cache) as `photo fetch`.
pub(super) fn full_view(
    node: &mut Node,
    session: &Session,
    id: PhotoId,
    sha256: &str,
) -> Result<Picture, (Op, UiError)> {
    use crate::sync::photos::{LaneOptions, fetch, http::Variant};
    let own = photos::blob_path(node.data_dir(), sha256);
    let path = if own.is_file() {
        own
    } else {
        // The worker thread waits for this download: short timeouts, so a dead link
        // holds the window's other requests for seconds, not minutes.
        let mut options = LaneOptions::from_env();
        options.http.connect_timeout = std::time::Duration::from_secs(5);
        options.http.request_timeout = std::time::Duration::from_secs(30);
        fetch::fetch_blocking(node, session, id, Variant::Full, &options)
            .map_err(|e| match e {
                fetch::FetchError::Op(op) => (Op::Load, ui_error(&op)),
                fetch::FetchError::DiskFull { .. } => (Op::Load, UiError::DiskFull),
                fetch::FetchError::Write { .. } => (Op::Load, UiError::Storage),
                _ => (Op::Load, UiError::PhotoUnavailable),
            })?
            .path
    };
    let bytes = crate::atrest::seal::load_file(node.data_dir(), &path)
        .map_err(|_| (Op::Load, UiError::Storage))?;
    picture(&bytes, FULL_VIEW_SIDE).ok_or((Op::Load, UiError::Storage))
}

/// Decodes an image (orientation applied) into pixels, at most `side` on its longest side.
fn picture(bytes: &[u8], side: u32) -> Option<Picture> {
    let image = photos::decode(bytes).ok()?;
    let image = if image.width() > side || image.height() > side {
        image.thumbnail(side, side)
    } else {
        image
    };
    let rgba = image.into_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Some(std::sync::Arc::new(
        egui::ColorImage::from_rgba_unmultiplied(size, rgba.as_raw()),
    ))
}

pub(super) fn scan(node: &mut Node, session: &Session, code: &str) -> Outcome {
    session.require(Permission::Sell).map_err(fail(Op::Scan))?;
    let by_sku = queries::products_by_sku(node.store.conn(), code)
        .map_err(store_err(Op::Scan))?
        .into_iter()
        .next();
    let found = match by_sku {
        Some(p) => Some(p),
        None => {
            queries::product_by_barcode(node.store.conn(), code).map_err(store_err(Op::Scan))?
        }
    };
    match found.filter(|p| p.active) {
        Some(product) => one(Reply::Scanned(Box::new(product))),
        None => Err((
            Op::Scan,
            UiError::Invalid(ValidationErrors::single(
                "barcode",
                ErrorCode::UnknownSku,
                "no active product has this barcode or SKU",
            )),
        )),
    }
}

/// Prices the cart. When the only problems are with the payments, the totals are still
/// returned (priced against a notional cash tender) with those problems beside them.
pub(super) fn quote(
    node: &mut Node,
    items: &[ops::sales::ItemInput],
    payments: &[ledger::Payment],
) -> Result<QuoteView, UiError> {
    let mode = node.clinic().map_err(|e| ui_error(&e))?.tax_mode();
    let lines = ops::sales::cart(node, items).map_err(|e| ui_error(&e))?;
    match ledger::price_cart_with(&lines, payments, mode) {
        Ok(priced) => Ok(QuoteView {
            priced,
            payment_errors: ValidationErrors::default(),
        }),
        Err(errors) if errors.0.iter().all(|e| e.field.starts_with("payment")) => {
            let notional = [ledger::Payment {
                method: PaymentMethod::Cash,
                amount_minor: i64::MAX / 4,
            }];
            let mut priced =
                ledger::price_cart_with(&lines, &notional, mode).map_err(UiError::Invalid)?;
            priced.payments = payments.to_vec();
            priced.paid_minor = payments
                .iter()
                .fold(0i64, |sum, p| sum.saturating_add(p.amount_minor.max(0)));
            priced.change_minor = 0;
            Ok(QuoteView {
                priced,
                payment_errors: errors,
            })
        }
        Err(errors) => Err(UiError::Invalid(errors)),
    }
}

pub(super) fn movements(node: &mut Node, session: &Session, product_id: &str) -> Outcome {
    if !session.can(Permission::ManageStock) && !session.can(Permission::ManageProducts) {
        return Err((Op::Load, UiError::Denied(Permission::ManageStock)));
    }
    let rows = ops::catalog::movements(node, product_id, 100).map_err(fail(Op::Load))?;
    one(Reply::Movements {
        product_id: product_id.to_owned(),
        rows,
    })
}
