//! A seeded simulation of N nodes and a hub over a faulty in-memory network, in virtual
//! time: frames are dropped, duplicated, delayed and reordered, connections cut, nodes
//! and the hub crash and restart from their durable stores — while nodes keep editing.
//! When the faults stop, every replica must converge to the hub's state and every edit a
//! node committed locally must be everywhere. A run is a pure function of its seed, so a
//! failing seed reproduces exactly (`DERMIS_SIM_SEED=<seed> cargo test -p dermis-sync --test sim`).
//! [`Script`] drives the same world by hand, one named scenario at a time.

mod net;
mod script;

pub use script::{Script, Toward};

use net::{Link, Work};

use std::collections::BTreeMap;

use automerge::{ActorId, ChangeHash};
use dermis_model::patient::{PatientDraft, create_patient};
use dermis_model::{ClinicId, DocType, PatientId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::config::{EngineConfig, Millis};
use crate::driver::now_or_never;
use crate::hub_engine::HubSession;
use crate::memory::{MemoryHubStore, MemoryNodeStore};
use crate::node_engine::NodeSession;
use crate::store::NodeSyncStore;
use crate::wire::{
    FEATURE_BOOT_FIRST, FEATURE_BOOTSTRAP, FEATURE_COMPRESSED, FEATURE_LIVE_DOCS, Limits,
};

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub nodes: usize,
    /// Steps with edits and faults, then the network heals.
    pub fault_steps: usize,
    pub edit_chance: f64,
    pub drop: f64,
    pub duplicate: f64,
    /// Chance that a frame is held back long enough to overtake or be overtaken.
    pub reorder: f64,
    pub max_delay: Millis,
    pub disconnect: f64,
    pub node_crash: f64,
    pub hub_crash: f64,
    /// Virtual time allowed to converge after the faults stop.
    pub settle_within: Millis,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            nodes: 3,
            fault_steps: 300,
            edit_chance: 0.25,
            drop: 0.02,
            duplicate: 0.02,
            reorder: 0.03,
            max_delay: 40,
            disconnect: 0.005,
            node_crash: 0.003,
            hub_crash: 0.001,
            settle_within: 600_000,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimReport {
    pub edits: usize,
    pub documents: usize,
    pub connections: u64,
    pub frames: u64,
    pub dropped: u64,
    pub node_crashes: u64,
    pub hub_crashes: u64,
    /// Live updates that carried documents (`HubMsg::Live`), as sent by the hub.
    pub live_updates: u64,
    /// Bootstrap frames that carried documents (`HubMsg::Bootstrap`), as sent by the hub.
    pub bootstrap_frames: u64,
    /// Frames the hub sent compressed (revision 7).
    pub compressed_frames: u64,
    pub settled_at: Millis,
}

#[derive(Debug, thiserror::Error)]
#[error("seed {seed}: {problem}")]
pub struct SimFailure {
    pub seed: u64,
    pub problem: String,
}

struct SimNode {
    id: Uuid,
    store: MemoryNodeStore,
    link: Option<Link>,
    reconnect_at: Millis,
    backoff: Millis,
}

struct World {
    rng: ChaCha8Rng,
    config: SimConfig,
    engine: EngineConfig,
    now: Millis,
    clinic: ClinicId,
    hub: MemoryHubStore,
    nodes: Vec<SimNode>,
    faults: bool,
    order: u64,
    /// Every change a node committed locally: (node, document, change).
    committed: Vec<(usize, Uuid, ChangeHash)>,
    report: SimReport,
    /// The features every hub session offers, when a [`Script`] fixes them; by default
    /// each connection draws its own.
    features: Option<u64>,
}

impl World {
    fn new(seed: u64, config: SimConfig) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let clinic = ClinicId(uuid_from(&mut rng));
        let nodes = (0..config.nodes)
            .map(|_| {
                let id = uuid_from(&mut rng);
                SimNode {
                    id,
                    store: MemoryNodeStore::with_actor(
                        clinic,
                        ActorId::from(id.as_bytes().as_slice()),
                    ),
                    link: None,
                    reconnect_at: 0,
                    backoff: 50,
                }
            })
            .collect();
        let engine = EngineConfig {
            request_timeout: 2_000,
            ping_interval: 1_000,
            idle_timeout: 5_000,
            pull_limit: 7,
            fetch_batch: 5,
            push_batch_docs: 4,
            app_version: "sim".into(),
            live_docs: true,
            bootstrap: true,
            boot_rows: true,
            compressed_frames: true,
            boot_first: true,
            fetch_rows: true,
        };
        World {
            rng,
            config,
            engine,
            now: 0,
            clinic,
            hub: MemoryHubStore::new(),
            nodes,
            faults: true,
            order: 0,
            committed: Vec::new(),
            report: SimReport::default(),
            features: None,
        }
    }

    fn connect(&mut self, i: usize) {
        let now = self.now;
        let node_id = self.nodes[i].id;
        let hub = HubSession::new(
            node_id,
            self.clinic,
            now,
            self.engine.clone(),
            Limits::default(),
        );
        let mut node = NodeSession::new(node_id, self.engine.clone());
        // Half the connections speak revision 4 (live documents), half an older one: a
        // clinic mixes them while it upgrades.
        // Independently, half of them bootstrap a fresh node in whole documents
        // (revision 5).
        let mut offered = 0;
        if self.rng.random_bool(0.5) {
            offered |= FEATURE_LIVE_DOCS;
        }
        if self.rng.random_bool(0.5) {
            offered |= FEATURE_BOOTSTRAP;
        }
        // And every other connection gets its larger frames compressed (revision 7),
        // chosen without drawing from the seed's stream, so seeds replay as before.
        if self.report.connections % 2 == 1 {
            offered |= FEATURE_COMPRESSED;
        }
        // Half of the bootstraps start with today's appointments (revision 8), chosen
        // the same way.
        if self.report.connections % 4 >= 2 {
            offered |= FEATURE_BOOT_FIRST;
        }
        node.hub_offers(self.features.unwrap_or(offered));
        let store = &mut self.nodes[i].store;
        let cursor = now_or_never(store.cursor())
            .and_then(Result::ok)
            .unwrap_or(0);
        let stats = now_or_never(store.outbox_stats(now))
            .and_then(Result::ok)
            .unwrap_or_default();
        let outputs = node.start(now, cursor, stats);
        self.nodes[i].link = Some(Link {
            node,
            hub,
            to_hub: Vec::new(),
            to_node: Vec::new(),
            held_to_hub: false,
            held_to_node: false,
            lose_next_to_node: None,
        });
        self.report.connections += 1;
        self.process(Work::Node(i, outputs));
    }

    fn edit(&mut self) {
        let i = self.rng.random_range(0..self.nodes.len());
        let now = self.now;
        let ids = self.nodes[i].store.doc_ids();
        let hash = if ids.is_empty() || self.rng.random_bool(0.2) {
            let id = PatientId(uuid_from(&mut self.rng));
            let draft = PatientDraft {
                first_name: format!("P{}", self.rng.random_range(0..1000)),
                last_name: "Sim".into(),
                ..Default::default()
            };
            let actor = ActorId::from(self.nodes[i].id.as_bytes().as_slice());
            let Ok(mut doc) = create_patient(id, self.clinic, &draft, "S", now, None, actor) else {
                return;
            };
            let hash = doc.commit();
            self.nodes[i].store.create(id.0, DocType::Patient, doc, now);
            // Every new patient is booked now, so a first sync from 0 (revision 8) has
            // documents to send before the log: the patient once the hub has it, and an
            // appointment the hub never holds (answered missing).
            self.hub.book(
                self.clinic,
                now,
                crate::boot_first::Booked {
                    appointment: Uuid::from_u128(id.0.as_u128() ^ 1),
                    patient: Some(id.0),
                },
            );
            hash.map(|h| (id.0, h))
        } else {
            let id = ids[self.rng.random_range(0..ids.len())];
            let kind = self.rng.random_range(0..3);
            let word: String = (0..self.rng.random_range(1..6))
                .map(|_| char::from(b'a' + self.rng.random_range(0..26u8)))
                .collect();
            let at = self.rng.random_range(0..40usize);
            self.nodes[i]
                .store
                .edit(id, now, |doc| {
                    let root = automerge::ROOT;
                    let _ = match kind {
                        0 => dermis_model::doc::put_str(doc, &root, "first_name", &word),
                        1 => dermis_model::doc::put_str_list(
                            doc,
                            &root,
                            "phones",
                            &[format!("555{at:04}")],
                        ),
                        _ => {
                            let notes =
                                dermis_model::doc::text_at(doc, &root, "notes").unwrap_or_default();
                            let chars: Vec<char> = notes.chars().collect();
                            let at = at.min(chars.len());
                            let text: String = chars[..at]
                                .iter()
                                .chain(word.chars().collect::<Vec<_>>().iter())
                                .chain(chars[at..].iter())
                                .collect();
                            dermis_model::doc::put_text(doc, &root, "notes", &text)
                        }
                    };
                })
                .map(|h| (id, h))
        };
        if let Some((doc, hash)) = hash {
            self.report.edits += 1;
            self.committed.push((i, doc, hash));
            if let Some(link) = self.nodes[i].link.as_mut() {
                let out = link.node.local_change(now);
                self.process(Work::Node(i, out));
            }
        }
    }

    fn faults(&mut self) {
        for i in 0..self.nodes.len() {
            if self.nodes[i].link.is_some() && self.rng.random_bool(self.config.disconnect) {
                self.drop_link(i);
            }
            if self.rng.random_bool(self.config.node_crash) {
                // The node's process dies: its session state goes, its store stays.
                self.report.node_crashes += 1;
                self.drop_link(i);
            }
        }
        if self.rng.random_bool(self.config.hub_crash) {
            self.report.hub_crashes += 1;
            for i in 0..self.nodes.len() {
                self.drop_link(i);
            }
        }
    }

    fn tick(&mut self) {
        let now = self.now;
        for i in 0..self.nodes.len() {
            if let Some(link) = self.nodes[i].link.as_mut() {
                let out = link.node.tick(now);
                self.process(Work::Node(i, out));
            }
            if let Some(link) = self.nodes[i].link.as_mut() {
                let out = link.hub.tick(now);
                self.process(Work::Hub(i, out));
            }
            if self.nodes[i].link.is_none() && now >= self.nodes[i].reconnect_at {
                self.connect(i);
            }
        }
    }

    fn step(&mut self) {
        self.now += self.rng.random_range(1..=10);
        if self.faults {
            if self.rng.random_bool(self.config.edit_chance) {
                self.edit();
            }
            self.faults();
        }
        self.deliver();
        self.tick();
    }

    fn settled(&mut self) -> bool {
        let hub_heads = self.hub.heads(self.clinic);
        self.nodes.iter_mut().all(|n| {
            n.link.as_ref().is_some_and(|l| {
                l.node.is_caught_up() && l.to_hub.is_empty() && l.to_node.is_empty()
            }) && n.store.outbox_len() == 0
                && n.store.heads() == hub_heads
        })
    }

    fn verify(&mut self, seed: u64) -> Result<(), SimFailure> {
        let fail = |problem: String| SimFailure { seed, problem };
        let hub_heads: BTreeMap<Uuid, Vec<ChangeHash>> = self.hub.heads(self.clinic);
        for (i, node) in self.nodes.iter_mut().enumerate() {
            if node.store.heads() != hub_heads {
                return Err(fail(format!("node {i} differs from the hub")));
            }
        }
        for (i, doc, hash) in &self.committed {
            let on_hub = self
                .hub
                .doc(*doc)
                .is_some_and(|d| automerge::ReadDoc::get_change_by_hash(d, hash).is_some());
            if !on_hub {
                return Err(fail(format!(
                    "node {i}'s committed change {hash} to {doc} never reached the hub"
                )));
            }
            if let Some(j) = self
                .nodes
                .iter()
                .position(|n| !n.store.has_change(*doc, hash))
            {
                return Err(fail(format!(
                    "node {j} lacks node {i}'s change {hash} to {doc}"
                )));
            }
        }
        // Same heads must mean the same content: compare what readers see.
        let read = |doc: &automerge::AutoCommit| {
            dermis_model::patient::read_patient(doc).map_err(|e| e.to_string())
        };
        for id in hub_heads.keys() {
            let Some(hub_doc) = self.hub.doc(*id) else {
                continue;
            };
            let expected = read(hub_doc);
            for (i, node) in self.nodes.iter().enumerate() {
                if node.store.doc(*id).map(read) != Some(expected.clone()) {
                    return Err(fail(format!("node {i} reads document {id} differently")));
                }
            }
        }
        Ok(())
    }
}

fn uuid_from(rng: &mut ChaCha8Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Runs one seeded scenario to convergence, or explains why it did not converge.
pub fn run(seed: u64, config: &SimConfig) -> Result<SimReport, SimFailure> {
    let mut world = World::new(seed, config.clone());
    for _ in 0..config.fault_steps {
        world.step();
    }
    world.faults = false;
    let deadline = world.now + config.settle_within;
    while world.now < deadline {
        world.step();
        if world.settled() {
            world.report.settled_at = world.now;
            world.report.documents = world.hub.heads(world.clinic).len();
            world.verify(seed)?;
            return Ok(world.report);
        }
    }
    let hub_heads = world.hub.heads(world.clinic);
    let states: Vec<String> = world
        .nodes
        .iter_mut()
        .map(|n| {
            let same = n.store.heads() == hub_heads;
            let missing = hub_heads
                .keys()
                .filter(|k| !n.store.heads().contains_key(k))
                .count();
            format!(
                "{:?} caught_up={:?} outbox={} same_heads={same} docs={}/{} missing={missing}",
                n.link.as_ref().map(|l| &l.node),
                n.link.as_ref().map(|l| l.node.is_caught_up()),
                n.store.outbox_len(),
                n.store.heads().len(),
                hub_heads.len()
            )
        })
        .collect();
    Err(SimFailure {
        seed,
        problem: format!(
            "did not converge within {} ms of virtual time after the faults stopped: {states:?}",
            config.settle_within
        ),
    })
}
