//! How reading a day's ledger scales with its audit entries, against listing their ids
//! (what the node's index does on each commit): `cargo run --release -p dermis-model
//! --example ledger_read`.

use std::time::Instant;

use automerge::ActorId;
use dermis_model::audit::{AuditAction, AuditEntry, AuditTarget, append_audit};
use dermis_model::{ClinicId, DocId, NodeId};

fn main() {
    let node = NodeId::new();
    let mut doc = dermis_model::ledger::create_ledger(
        DocId::new(),
        ClinicId::new(),
        node,
        "2026-12-05",
        ActorId::random(),
    )
    .expect("ledger");
    let mut n = 0;
    for target in [250, 500, 1000, 2000, 4000] {
        while n < target {
            let entry = AuditEntry {
                id: uuid::Uuid::now_v7().to_string(),
                at: 1_800_000_000_000 + n,
                user: "anna".into(),
                user_id: None,
                node_id: node,
                action: AuditAction::View,
                target: AuditTarget {
                    kind: "patient".into(),
                    id: uuid::Uuid::now_v7().to_string(),
                    patient: None,
                },
                reason: None,
            };
            append_audit(&mut doc, &entry).expect("append");
            doc.commit();
            n += 1;
        }
        let started = Instant::now();
        let ledger = dermis_model::ledger::read_ledger(&doc).expect("read");
        let read = started.elapsed();
        let started = Instant::now();
        let keys = dermis_model::audit::audit_keys(&doc).expect("keys").len();
        let listed = started.elapsed();
        println!(
            "{n} entries: read_ledger {:.2} ms ({} audit), list keys {:.3} ms ({keys})",
            read.as_secs_f64() * 1e3,
            ledger.audit.len(),
            listed.as_secs_f64() * 1e3
        );
    }
}
