//! Human-readable output of the command line (JSON output is serde's).

use dermis_model::money::format_minor;
use dermis_model::patient::{AllergyStatus, Patient};
use dermis_model::{Currency, validate::format_date};

use super::CliError;
use super::out::outln;
use crate::node::Node;
use crate::store::queries::{self, AppointmentRow, EncounterRow, PatientRow, ProductRow, SaleRow};
use crate::sync::link::Transport;

pub fn json<T: serde::Serialize>(value: &T) {
    outln!(
        "{}",
        dermis_model::export::to_canonical_string(value)
            .unwrap_or_default()
            .trim_end()
    );
}

fn money(minor: i64, currency: &str) -> String {
    let exponent = Currency::parse(currency).map(|c| c.exponent()).unwrap_or(2);
    format!("{} {currency}", format_minor(minor, exponent))
}

fn when(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| {
            format!(
                "{} {:02}:{:02}",
                format_date(t.date()),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

pub fn patient(p: &Patient) {
    outln!("{}  ({})", p.full_name(), p.mrn);
    outln!("  id:          {}", p.id);
    if let Some(d) = p.birth_date {
        outln!("  born:        {}", format_date(d));
    }
    outln!("  sex:         {}", p.sex.as_str());
    for phone in &p.phones {
        outln!("  phone:       {phone}");
    }
    if let Some(e) = &p.email {
        outln!("  email:       {e}");
    }
    if let Some(a) = &p.address {
        outln!("  address:     {a}");
    }
    for a in &p.allergies {
        outln!(
            "  ALLERGY:     {} ({}) {}",
            a.substance,
            a.severity.as_str(),
            a.reaction
        );
    }
    for e in &p.allergies_in_error {
        outln!(
            "  allergy entered in error: {} ({}, {})",
            e.allergy.substance,
            e.by,
            e.reason
        );
    }
    match p.allergy_status() {
        AllergyStatus::Listed => {}
        AllergyStatus::NoneKnown => outln!("  allergies:   none known"),
        AllergyStatus::NotRecorded => outln!("  allergies:   not recorded"),
    }
    if !p.medical_history.is_empty() {
        outln!("  history:     {}", p.medical_history);
    }
    if !p.notes.is_empty() {
        outln!("  notes:       {}", p.notes);
    }
    for e in &p.encounters {
        let dx: Vec<String> = e
            .diagnoses
            .iter()
            .map(|d| format!("{} {}", d.code, d.label))
            .collect();
        outln!(
            "  encounter {} {} [{}] {} {}",
            format_date(e.date),
            e.id,
            e.status.as_str(),
            e.complaint,
            dx.join("; ")
        );
        for rx in &e.prescriptions {
            outln!(
                "    Rx {} {} — {} — {}",
                rx.id,
                rx.drug,
                rx.dose,
                rx.instructions
            );
        }
    }
    for ph in &p.photos {
        outln!(
            "  photo {} {} {}",
            ph.id,
            ph.body_part.as_str(),
            ph.tags.join(",")
        );
    }
}

pub fn patient_rows(rows: &[PatientRow]) {
    for r in rows {
        outln!(
            "{}  {} {}  {}  {}  {}",
            r.id,
            r.first_name,
            r.last_name,
            r.birth_date.as_deref().unwrap_or("-"),
            r.phone.as_deref().unwrap_or("-"),
            r.mrn
        );
    }
}

pub fn encounter_rows(rows: &[EncounterRow]) {
    for r in rows {
        outln!(
            "{}  {}  {:<6}  {}  {}  {}",
            r.id,
            r.date,
            r.status,
            r.clinician,
            r.complaint,
            r.diagnoses.join(" ")
        );
    }
}

pub fn product_rows(rows: &[ProductRow]) {
    for r in rows {
        outln!(
            "{:<16} {:<40} {:>12}  {}{}",
            r.sku,
            r.name,
            money(r.price_minor, &r.currency),
            r.category.as_deref().unwrap_or(""),
            if r.active { "" } else { " (inactive)" }
        );
    }
}

pub fn stock_rows(rows: &[ProductRow]) {
    for r in rows {
        let flag = if r.on_hand < 0 {
            "  NEGATIVE"
        } else if r.on_hand <= r.reorder_level {
            "  low"
        } else {
            ""
        };
        outln!("{:<16} {:>6}  {}{flag}", r.sku, r.on_hand, r.name);
    }
}

pub fn sale_rows(rows: &[SaleRow]) {
    for r in rows {
        outln!(
            "{}  {}  {:<6}  {:>12}  {}",
            r.receipt,
            when(r.at),
            r.kind,
            money(r.total_minor, &r.currency),
            r.status
        );
    }
}

pub fn appointment_rows(rows: &[AppointmentRow]) {
    for r in rows {
        let who = r
            .invitee_name
            .clone()
            .or_else(|| r.patient_id.clone())
            .unwrap_or_default();
        outln!(
            "{}  {}  {:<9}  {:<8}  {}  {}",
            r.id,
            when(r.start),
            r.status,
            r.source,
            who,
            r.title
        );
    }
}

pub fn status(node: &mut Node, as_json: bool) -> Result<(), CliError> {
    let clinic = node.clinic()?;
    let counts = queries::counts(node.store.conn())?;
    let outbox = queries::outbox_stats(node.store.conn())?;
    let now = crate::node::now();
    let oldest_age_ms = outbox.oldest_at.map(|t| (now - t).max(0));
    let sync = crate::sync::state::status(&node.store, now)?;
    let photos = crate::store::photo_uploads::figures(node.store.conn())?;
    let refused = queries::refused_docs(node.store.conn())?;
    let erasures = node.store.tombstones()?;
    let dropped_edits: i64 = erasures.iter().map(|t| t.dropped_edits).sum();
    // Where the store key lives (never the key): the OS keyring or a key file.
    let key_home = crate::atrest::key::home(node.data_dir())
        .ok()
        .flatten()
        .map(|h| h.to_string());
    if as_json {
        json(&serde_json::json!({
            "clinic": {"id": clinic.id, "name": clinic.name, "currency": clinic.currency},
            "node": {"id": node.identity.node_id, "name": node.identity.node_name, "code": node.identity.node_code, "actor": node.actor().to_hex_string()},
            "counts": counts,
            "outbox": {"count": outbox.count, "bytes": outbox.bytes, "oldest_age_ms": oldest_age_ms},
            "online": sync.online,
            "hub_url": sync.hub_url,
            "hub_transport": sync.transport,
            "insecure": sync.insecure,
            "enrolled": sync.enrolled,
            "last_sync_at": sync.last_sync_at,
            "last_connected_at": sync.last_connected_at,
            "cursor": sync.cursor,
            "last_error": sync.last_error,
            "rejected": sync.rejected,
            "refused": refused,
            "photos": photos,
            "erasures": {"count": erasures.len(), "dropped_edits": dropped_edits, "records": erasures},
            "data_dir": node.data_dir(),
            "key": key_home,
            "schema": node.store.schema_version()?,
        }));
    } else {
        outln!("clinic:   {} ({})", clinic.name, clinic.id);
        outln!(
            "node:     {} {} ({})",
            node.identity.node_code,
            node.identity.node_name,
            node.identity.node_id
        );
        outln!(
            "records:  {} patients, {} encounters, {} products, {} sales, {} appointments",
            counts.patients,
            counts.encounters,
            counts.products,
            counts.sales,
            counts.appointments
        );
        outln!(
            "outbox:   {} documents, {} bytes{}",
            outbox.count,
            outbox.bytes,
            oldest_age_ms
                .map(|a| format!(", oldest {} s", a / 1000))
                .unwrap_or_default()
        );
        if let Some(home) = &key_home {
            outln!("key:      kept in {home}");
        }
        match &sync.hub_url {
            Some(url) => outln!(
                "hub:      {url} ({}), cursor {}{}",
                if sync.online { "online" } else { "offline" },
                sync.cursor,
                sync.last_sync_at
                    .map(|t| format!(", last sync {}", when(t)))
                    .unwrap_or_default()
            ),
            None => outln!("hub:      not enrolled (standalone)"),
        }
        match sync.transport {
            Some(Transport::Tls) => outln!("link:     encrypted (TLS)"),
            Some(Transport::LoopbackHttp) => {
                outln!("link:     plain http on this machine (loopback)")
            }
            Some(Transport::InsecureHttp) => outln!(
                "link:     INSECURE: plain http across the network, not encrypted (allowed with --allow-insecure-http); use https"
            ),
            None if sync.hub_url.is_some() => outln!(
                "link:     REFUSED: plain http to a network address; use https, or sync --allow-insecure-http"
            ),
            None => {}
        }
        outln!(
            "photos:   {} to upload ({} bytes), {} uploaded, {} refused",
            photos.pending,
            photos.pending_bytes,
            photos.uploaded,
            photos.failed
        );
        if let Some(e) = &sync.last_error {
            outln!("last error: {e}");
        }
        if !erasures.is_empty() {
            outln!("erased:   {} patient(s)", erasures.len());
        }
        if dropped_edits > 0 {
            outln!(
                "DROPPED:  {dropped_edits} unsent edit(s) of patients erased elsewhere (the erasure wins; see `status --json` erasures)"
            );
        }
        if !refused.is_empty() {
            outln!(
                "REFUSED by the hub, kept here: {} document(s)",
                refused.len()
            );
            for r in &refused {
                outln!("  {} {}: {}", r.doc_type, r.doc_id, r.reason);
            }
        }
        if counts.conflicts > 0 {
            outln!("conflicts: {}", counts.conflicts);
        }
    }
    Ok(())
}

/// `photo list`: one line per photo with its upload and thumbnail states.
pub fn photo_rows(rows: &[crate::ops::photos::PhotoListing]) {
    use crate::ops::photos::UploadView;
    for r in rows {
        let upload = match &r.upload {
            UploadView::Local => "local".to_owned(),
            UploadView::Uploading { percent, .. } => format!("uploading {percent}%"),
            UploadView::Uploaded => "uploaded".to_owned(),
            UploadView::Failed { reason } => format!("failed: {reason}"),
            UploadView::Elsewhere => "taken on another node".to_owned(),
        };
        let thumbnail = match (&r.photo.processing_error, r.photo.thumbnails_ready) {
            (Some(error), _) => format!("processing error: {error}"),
            (None, true) => "hub thumbnails ready".to_owned(),
            (None, false) => "hub thumbnails pending".to_owned(),
        };
        outln!(
            "{}  {:<12} {:<10} {:>9} B  upload: {upload}  thumbnail: {}, {thumbnail}  original: {}  {}",
            r.photo.id,
            r.photo.body_part.as_str(),
            r.photo.mime.as_str(),
            r.photo.size,
            if r.thumbnail_present {
                "local"
            } else {
                "missing"
            },
            if r.original_present {
                "local"
            } else {
                "not on this node"
            },
            r.photo.tags.join(",")
        );
    }
}
