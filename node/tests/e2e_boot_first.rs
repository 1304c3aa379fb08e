//! A fresh node's first sync starts with the appointments around now and the patients
//! they name (docs/SYNC.md, revision 8), with real processes: a `dermis-hub`, the
//! `dermis-node` binary, real sockets, and a proxy that cuts every connection once the
//! first log-ordered frame is under way. The booked patients are then in the node's
//! store while its cursor has not moved; after a whole sync every node holds what the
//! writer holds. A node that does not ask for it (`DERMIS_SYNC_BOOT_FIRST=off`) and a hub
//! that does not offer it (`HUB_SYNC_BOOT_FIRST=false`) still sync, in log order only.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;
use std::time::Duration;

use common::hub::{Fault, FaultProxy, Hub};
use common::{cmd, ok};
use dermis_node::node::Node;

/// Bytes a connection may carry before the proxy cuts it: the hello, the welcome and
/// the documents sent first (a dozen patients and their appointments, compressed) pass;
/// the first log frame of the demo below (about a megabyte compressed) does not.
const CUT: usize = 192 * 1024;

fn enroll(d: &Path, url: &str, hub: &Hub, clinic: &str, name: &str) {
    let code = hub.node_add(clinic, name);
    ok(
        d,
        &["enroll", "--hub", url, "--code", &code, "--node-name", name],
    );
}

/// The patients of the writer's appointments in the window a hub sends first, now.
fn booked_now(d: &Path) -> Vec<String> {
    let (from, to) = dermis_sync::boot_first::window(dermis_model::now_millis());
    let node = Node::open(d).unwrap();
    let mut stmt = node
        .store
        .conn()
        .prepare(
            "SELECT DISTINCT patient_id FROM appointments WHERE patient_id IS NOT NULL
             AND status <> 'canceled' AND start_at >= ?1 AND start_at < ?2",
        )
        .unwrap();
    stmt.query_map([from, to], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// How many of `ids` the node's store holds, and its sync cursor.
fn held(d: &Path, ids: &[String]) -> (usize, u64) {
    let node = Node::open(d).unwrap();
    let count = ids
        .iter()
        .filter(|id| {
            node.store
                .conn()
                .query_row(
                    "SELECT EXISTS(SELECT 1 FROM patients WHERE id = ?1)",
                    [id.as_str()],
                    |r| r.get::<_, bool>(0),
                )
                .unwrap()
        })
        .count();
    (count, node.sync_cursor().unwrap())
}

fn patients(d: &Path) -> i64 {
    Node::open(d)
        .unwrap()
        .store
        .conn()
        .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_booked_patients_arrive_before_the_log_and_older_peers_still_sync() {
    use dermis_node::sync::client::BOOT_FIRST_ENV;
    let tmp = tempfile::tempdir().unwrap();
    let older_hub = vec![("HUB_SYNC_BOOT_FIRST".to_owned(), "false".to_owned())];
    for (name, hub_env) in [("new", Vec::new()), ("older", older_hub)] {
        let offers = hub_env.is_empty();
        let root = tmp.path().join(name);
        let hub_dir = root.join("hub");
        std::fs::create_dir_all(&hub_dir).unwrap();
        let hub = Hub::start_with(&hub_dir, hub_env);
        let clinic = hub.clinic_add("Booked");
        let writer = root.join("w");
        enroll(&writer, &hub.url(), &hub, &clinic, "writer");
        ok(
            &writer,
            &["demo", "--patients", "400", "--sales", "200", "--seed", "5"],
        );
        ok(&writer, &["sync", "--once", "--timeout", "120"]);
        common::wait_until(Duration::from_secs(120), "the hub's projector", || {
            hub.projector_lag(&clinic) == 0
        });
        let booked = booked_now(&writer);
        assert!(!booked.is_empty(), "the demo books patients around now");
        let proxy = FaultProxy::start(&hub.addr);
        // A node of this revision, and one that does not ask (as a node of today).
        for (node, env) in [("fresh", "on"), ("today", "off")] {
            let d = root.join(node);
            enroll(&d, &proxy.url(), &hub, &clinic, node);
            proxy.set(Fault::CutAfter(CUT));
            // Every connection is cut during the first log frame: the sync gives up.
            let o = cmd(&d)
                .env(BOOT_FIRST_ENV, env)
                .args(["sync", "--once", "--timeout", "10"])
                .output()
                .unwrap();
            assert!(
                !o.status.success(),
                "{name} hub, {node}: the cut sync ended well"
            );
            let (count, cursor) = held(&d, &booked);
            assert_eq!(cursor, 0, "{name} hub, {node}: no log frame was stored");
            if offers && env == "on" {
                assert_eq!(
                    count,
                    booked.len(),
                    "{name} hub, {node}: every booked patient before the log"
                );
            } else {
                assert_eq!(count, 0, "{name} hub, {node}: nothing before the log");
            }
            proxy.set(Fault::Pass);
            let o = cmd(&d)
                .env(BOOT_FIRST_ENV, env)
                .args(["sync", "--once", "--timeout", "120"])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", common::stderr(&o));
            assert_eq!(held(&d, &booked).0, booked.len(), "{name} hub, {node}");
            assert_eq!(patients(&d), patients(&writer), "{name} hub, {node}");
        }
    }
}
