//! The simulation driven by hand, for named scenarios (samod's harness): a test connects
//! nodes, edits, holds back, drops or reorders frames, cuts connections and crashes nodes
//! or the hub at the moment it chooses, then runs the world until it is quiet and asserts
//! what must hold. Each sync bug found so far gets such a test (sync/tests/scenarios.rs),
//! beside the seeded runs that find new ones. Nothing here is random except the small
//! delivery delays of a healthy network, drawn from the seed.

use automerge::{ActorId, ChangeHash};
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::{DocType, PatientId};
use uuid::Uuid;

use super::{SimConfig, SimFailure, World};
use crate::config::Millis;

/// A world of `nodes` nodes and a hub whose network delivers every frame, in order
/// unless told otherwise, until a scenario interferes.
pub struct Script {
    world: World,
    seed: u64,
    patients: u32,
}

/// A direction of one node's connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toward {
    Hub,
    Node,
}

/// A node that is not to reconnect until the scenario says so.
const OFFLINE: Millis = Millis::MAX;

impl Script {
    /// Every hub session offers `features` (`wire::FEATURE_*`); no node is connected yet.
    pub fn new(nodes: usize, features: u64, seed: u64) -> Script {
        let config = SimConfig {
            nodes,
            ..SimConfig::default()
        };
        let mut world = World::new(seed, config);
        world.faults = false;
        world.features = Some(features);
        for node in &mut world.nodes {
            node.reconnect_at = OFFLINE;
        }
        Script {
            world,
            seed,
            patients: 0,
        }
    }

    pub fn now(&self) -> Millis {
        self.world.now
    }

    /// Opens a connection for node `i` (its session starts from its durable store).
    pub fn connect(&mut self, i: usize) {
        if self.world.nodes[i].link.is_none() {
            self.world.connect(i);
        }
    }

    /// Cuts node `i`'s connection: frames in flight are lost, and the node stays offline
    /// until [`Script::connect`].
    pub fn cut(&mut self, i: usize) {
        self.world.nodes[i].link = None;
        self.world.nodes[i].reconnect_at = OFFLINE;
    }

    /// Node `i`'s process dies: its session goes, its store stays. It stays down until
    /// [`Script::connect`].
    pub fn crash_node(&mut self, i: usize) {
        self.world.report.node_crashes += 1;
        self.cut(i);
    }

    /// The hub's process dies: every session goes, its store stays. Nodes stay offline
    /// until connected again.
    pub fn crash_hub(&mut self) {
        self.world.report.hub_crashes += 1;
        for i in 0..self.world.nodes.len() {
            self.cut(i);
        }
    }

    /// Frames from now on toward `to` on node `i`'s connection wait until released.
    pub fn hold(&mut self, i: usize, to: Toward) {
        if let Some(link) = self.world.nodes[i].link.as_mut() {
            match to {
                Toward::Hub => link.held_to_hub = true,
                Toward::Node => link.held_to_node = true,
            }
        }
    }

    /// Lets held frames go, newest first when `reversed` (so each overtakes the ones
    /// sent before it).
    pub fn release(&mut self, i: usize, to: Toward, reversed: bool) {
        let now = self.world.now;
        if let Some(link) = self.world.nodes[i].link.as_mut() {
            let frames = match to {
                Toward::Hub => {
                    link.held_to_hub = false;
                    &mut link.to_hub
                }
                Toward::Node => {
                    link.held_to_node = false;
                    &mut link.to_node
                }
            };
            frames.sort_by_key(|f| f.order);
            let orders: Vec<u64> = frames.iter().map(|f| f.order).collect();
            for (frame, order) in frames.iter_mut().zip(orders.iter().rev()) {
                frame.at = now;
                if reversed {
                    frame.order = *order;
                }
            }
        }
    }

    /// Frames waiting toward `to` on node `i`'s connection.
    pub fn in_flight(&self, i: usize, to: Toward) -> usize {
        self.world.nodes[i].link.as_ref().map_or(0, |l| match to {
            Toward::Hub => l.to_hub.len(),
            Toward::Node => l.to_node.len(),
        })
    }

    /// Loses the frames waiting toward `to` on node `i`'s connection; the connection stays.
    pub fn drop_in_flight(&mut self, i: usize, to: Toward) -> usize {
        let Some(link) = self.world.nodes[i].link.as_mut() else {
            return 0;
        };
        let frames = match to {
            Toward::Hub => &mut link.to_hub,
            Toward::Node => &mut link.to_node,
        };
        let lost = frames.len();
        frames.clear();
        self.world.report.dropped += lost as u64;
        lost
    }

    /// Loses the next frame toward node `i` whose message type is `msg_type` (the fourth
    /// byte of a frame, docs/SYNC.md); the connection stays.
    pub fn lose_next_to_node(&mut self, i: usize, msg_type: u8) {
        if let Some(link) = self.world.nodes[i].link.as_mut() {
            link.lose_next_to_node = Some(msg_type);
        }
    }

    /// Frames lost so far.
    pub fn lost(&self) -> u64 {
        self.world.report.dropped
    }

    /// Node `i` registers a new patient; the change is durable on the node at once.
    pub fn create_patient(&mut self, i: usize) -> Uuid {
        self.patients += 1;
        let now = self.world.now;
        let clinic = self.world.clinic;
        let id = PatientId(super::uuid_from(&mut self.world.rng));
        let draft = PatientDraft {
            first_name: format!("P{}", self.patients),
            last_name: "Scenario".into(),
            ..Default::default()
        };
        let actor = ActorId::from(self.world.nodes[i].id.as_bytes().as_slice());
        let mut doc = match create_patient(id, clinic, &draft, "S", now, None, actor) {
            Ok(doc) => doc,
            Err(e) => panic!("a scenario's patient is valid: {e}"),
        };
        if let Some(hash) = doc.commit() {
            self.world.committed.push((i, id.0, hash));
        }
        self.world.nodes[i]
            .store
            .create(id.0, DocType::Patient, doc, now);
        self.local_change(i);
        id.0
    }

    /// The hub's read model lists an appointment of `patient` starting now, which a
    /// first sync sends first (revision 8, when the session agreed to it).
    pub fn book(&mut self, patient: Uuid) {
        let booked = crate::boot_first::Booked {
            appointment: super::uuid_from(&mut self.world.rng),
            patient: Some(patient),
        };
        let (clinic, now) = (self.world.clinic, self.world.now);
        self.world.hub.book(clinic, now, booked);
    }

    /// Node `i` sets a patient's first name; returns the change, if it made one.
    pub fn rename(&mut self, i: usize, doc: Uuid, name: &str) -> Option<ChangeHash> {
        let now = self.world.now;
        let hash = self.world.nodes[i].store.edit(doc, now, |d| {
            let _ = dermis_model::doc::put_str(d, &automerge::ROOT, "first_name", name);
        })?;
        self.world.committed.push((i, doc, hash));
        self.local_change(i);
        Some(hash)
    }

    fn local_change(&mut self, i: usize) {
        let now = self.world.now;
        if let Some(link) = self.world.nodes[i].link.as_mut() {
            let out = link.node.local_change(now);
            self.world.process(super::Work::Node(i, out));
        }
    }

    /// One step of virtual time (a few milliseconds): due frames are delivered, timers run.
    pub fn step(&mut self) {
        self.world.step();
    }

    /// Steps until `done` holds, for at most `within` ms of virtual time; whether it held.
    pub fn run_until(&mut self, within: Millis, mut done: impl FnMut(&mut Script) -> bool) -> bool {
        let deadline = self.world.now.saturating_add(within);
        while self.world.now < deadline {
            if done(self) {
                return true;
            }
            self.step();
        }
        done(self)
    }

    /// Whether the hub holds the document.
    pub fn hub_has(&self, doc: Uuid) -> bool {
        self.world.hub.doc(doc).is_some()
    }

    /// Whether the hub holds this change of the document.
    pub fn hub_has_change(&self, doc: Uuid, hash: &ChangeHash) -> bool {
        self.world
            .hub
            .doc(doc)
            .is_some_and(|d| automerge::ReadDoc::get_change_by_hash(d, hash).is_some())
    }

    /// Whether node `i` holds this change of the document.
    pub fn node_has_change(&self, i: usize, doc: Uuid, hash: &ChangeHash) -> bool {
        self.world.nodes[i].store.has_change(doc, hash)
    }

    /// Node `i`'s outbox length.
    pub fn outbox_len(&self, i: usize) -> usize {
        self.world.nodes[i].store.outbox_len()
    }

    /// Runs until every node is connected, caught up, with an empty outbox and the hub's
    /// heads (nodes left offline are connected first), then checks that every change any
    /// node committed is on the hub and on every node, read the same.
    pub fn run_until_quiet(&mut self, within: Millis) -> Result<(), SimFailure> {
        for i in 0..self.world.nodes.len() {
            self.connect(i);
        }
        if !self.run_until(within, |s| s.world.settled()) {
            return Err(SimFailure {
                seed: self.seed,
                problem: format!("not quiet within {within} ms of virtual time"),
            });
        }
        self.world.verify(self.seed)
    }
}
