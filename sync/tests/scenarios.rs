//! One named scenario per sync bug found so far, on the simulation driven by hand
//! (`dermis_sync::sim::Script`): connect, cut, hold back, reorder, crash, run until quiet,
//! assert. Where the bug was, each test says in its comment; the seeded runs
//! (tests/sim.rs) look for new ones.

use dermis_sync::sim::{Script, Toward};
use dermis_sync::wire::{FEATURE_BOOTSTRAP, FEATURE_LIVE_DOCS};

/// Virtual time a scenario may take to settle after its last fault.
const QUIET: i64 = 120_000;
const SEED: u64 = 7;
/// `HubMsg::Index`'s type byte (docs/SYNC.md).
const INDEX: u8 = 0x83;

fn quiet(script: &mut Script) {
    if let Err(e) = script.run_until_quiet(QUIET) {
        panic!("{e}");
    }
}

/// 7960289: a live `Index` page lost on the way made the node take the next one, which
/// starts after the lost page's documents, and skip them; pages carry their starting
/// seq now, and a page that starts beyond the node's cursor makes it pull from its own.
#[test]
fn a_lost_index_page_is_never_skipped() {
    // Without live documents, the hub tells a connected node of new changes by `Index`.
    let mut s = Script::new(2, 0, SEED);
    s.connect(0);
    s.connect(1);
    quiet(&mut s);
    s.lose_next_to_node(1, INDEX);
    let first = s.create_patient(0);
    assert!(s.run_until(QUIET, |s| s.hub_has(first)));
    assert!(
        s.run_until(QUIET, |s| s.lost() == 1),
        "the first page was lost"
    );
    s.create_patient(0);
    quiet(&mut s);
}

/// The outbox entry's version: an edit made while its document's push was in flight
/// must stay queued when the ack for the older version arrives.
#[test]
fn an_edit_made_while_its_push_is_in_flight_stays_queued() {
    let mut s = Script::new(1, FEATURE_LIVE_DOCS, SEED);
    s.connect(0);
    let doc = s.create_patient(0);
    s.hold(0, Toward::Node);
    assert!(s.run_until(QUIET, |s| s.hub_has(doc)));
    let Some(later) = s.rename(0, doc, "Later") else {
        panic!("the rename changed nothing")
    };
    s.release(0, Toward::Node, false);
    quiet(&mut s);
    assert!(s.hub_has_change(doc, &later));
    assert_eq!(s.outbox_len(0), 0);
}

/// A node that dies after the hub applied its push but before the ack came back sends
/// the document again on its next connection; the hub takes it as nothing new.
#[test]
fn a_node_that_crashes_before_the_ack_sends_again_and_loses_nothing() {
    let mut s = Script::new(2, FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP, SEED);
    s.connect(0);
    s.connect(1);
    let doc = s.create_patient(0);
    s.hold(0, Toward::Node);
    assert!(s.run_until(QUIET, |s| s.hub_has(doc)));
    s.crash_node(0);
    assert_eq!(s.outbox_len(0), 1, "the ack never arrived");
    quiet(&mut s);
}

/// Revision 5: a fresh node whose bootstrap is cut by a hub restart resumes and ends
/// with every document, none twice, and its cursor where the hub's log is.
#[test]
fn a_hub_crash_mid_bootstrap_resumes() {
    let mut s = Script::new(2, FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP, SEED);
    s.connect(0);
    let docs: Vec<_> = (0..30).map(|_| s.create_patient(0)).collect();
    assert!(s.run_until(QUIET, |s| docs.iter().all(|d| s.hub_has(*d))));
    s.connect(1);
    s.hold(1, Toward::Node);
    assert!(s.run_until(QUIET, |s| s.in_flight(1, Toward::Node) >= 2));
    s.release(1, Toward::Node, false);
    s.step();
    s.crash_hub();
    quiet(&mut s);
}

/// 1832b04 (revision 4): live batches reach a node out of order — the later one first —
/// and the node must neither lose the earlier one nor move its cursor past it.
#[test]
fn a_live_update_overtaken_by_a_later_one_is_not_lost() {
    let mut s = Script::new(2, FEATURE_LIVE_DOCS, SEED);
    s.connect(0);
    s.connect(1);
    quiet(&mut s);
    s.hold(1, Toward::Node);
    let doc = s.create_patient(0);
    assert!(s.run_until(QUIET, |s| s.hub_has(doc)));
    let Some(second) = s.rename(0, doc, "Second") else {
        panic!("the rename changed nothing")
    };
    assert!(s.run_until(QUIET, |s| s.hub_has_change(doc, &second)));
    assert!(s.in_flight(1, Toward::Node) >= 2);
    s.release(1, Toward::Node, true);
    quiet(&mut s);
    assert!(s.node_has_change(1, doc, &second));
}

/// A live update lost with its connection (cut while the batch was on the way): the
/// node's cursor never passed it, so its next connection pulls the document. (A frame
/// cannot go missing on a connection that stays up: WebSocket runs over TCP, and the
/// protocol does not try to recover from that — the hub's pings carry no seq.)
#[test]
fn a_live_update_lost_with_its_connection_is_pulled_on_the_next() {
    let mut s = Script::new(2, FEATURE_LIVE_DOCS, SEED);
    s.connect(0);
    s.connect(1);
    quiet(&mut s);
    s.hold(1, Toward::Node);
    let doc = s.create_patient(0);
    assert!(s.run_until(QUIET, |s| s.hub_has(doc)));
    assert!(s.run_until(QUIET, |s| s.in_flight(1, Toward::Node) > 0));
    s.cut(1);
    quiet(&mut s);
}

/// Edits made offline on two nodes to the same document both survive, whichever node
/// comes back first (0677ab3: the synced heads a node keeps are what the hub reported
/// last, so the second node's fetch names heads the hub knows).
#[test]
fn offline_edits_on_two_nodes_both_survive() {
    let mut s = Script::new(2, FEATURE_LIVE_DOCS | FEATURE_BOOTSTRAP, SEED);
    s.connect(0);
    s.connect(1);
    let doc = s.create_patient(0);
    quiet(&mut s);
    s.cut(0);
    s.cut(1);
    let Some(a) = s.rename(0, doc, "Anna") else {
        panic!("the rename changed nothing")
    };
    let Some(b) = s.rename(1, doc, "Berta") else {
        panic!("the rename changed nothing")
    };
    s.connect(1);
    assert!(s.run_until(QUIET, |s| s.hub_has_change(doc, &b)));
    s.connect(0);
    quiet(&mut s);
    for node in 0..2 {
        assert!(s.node_has_change(node, doc, &a) && s.node_has_change(node, doc, &b));
    }
}

/// Revision 8: a fresh node's first sync starts with the patients booked around now,
/// stored without its cursor. When the first log-ordered frame is lost, the node holds the
/// booked patient already, times out, starts again from 0, takes the patient once more
/// (it holds it) and converges with nothing lost or doubled.
#[test]
fn a_first_sync_cut_after_the_booked_patients_starts_over_and_loses_nothing() {
    use dermis_sync::wire::FEATURE_BOOT_FIRST;
    const BOOTSTRAP: u8 = 0x89;
    let mut s = Script::new(2, FEATURE_BOOTSTRAP | FEATURE_BOOT_FIRST, SEED);
    s.connect(0);
    for _ in 0..5 {
        s.create_patient(0);
    }
    let booked = s.create_patient(0);
    let Some(change) = s.rename(0, booked, "Booked") else {
        panic!("the rename changed nothing")
    };
    assert!(s.run_until(QUIET, |s| s.hub_has_change(booked, &change)));
    s.book(booked);
    s.connect(1);
    s.lose_next_to_node(1, BOOTSTRAP);
    assert!(s.run_until(QUIET, |s| s.lost() == 1), "the frame was lost");
    // Well before the request times out (2 s in the simulation) and the node asks again.
    assert!(
        s.run_until(500, |s| s.node_has_change(1, booked, &change)),
        "the booked patient arrived before any frame of the log"
    );
    quiet(&mut s);
}
