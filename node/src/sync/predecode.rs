//! Loading the documents of a catch-up while the store commits the ones before them.
//!
//! Loading and reading a document received whole is most of a fresh node's catch-up
//! (`decode_received`); committing them (index rows, full-text search) is the rest and
//! runs on the sync thread. Without this module the two take turns: a `Docs` frame is
//! decoded, then committed, and only then is the next frame read. The [`Predecoder`]
//! takes each `Docs` frame as it arrives, before the engine has asked the store for
//! anything, and loads its whole documents on worker threads; the store's apply then
//! picks up what is ready ([`Predecoder::take`]) and loads the rest itself, as before.
//! What it loads is exactly what the store would have loaded: the same bytes through
//! the same checks, so the store's behaviour does not change, only when the work is done.
//!
//! A bootstrap item (revision 6) or a whole document in a `Docs` frame (revision 9)
//! that carries its index derivation needs no loading: it
//! is made ready here, as the frame arrives, from the derivation and the item's heads
//! (even with no worker threads). An item whose derivation does not fit (another
//! document type, the clinic document, a version this build does not know) is loaded
//! as before. A malformed derivation ends the session in the engine, before any of the
//! frame is applied.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;

use dermis_model::{ClinicId, DocId, DocType};
use dermis_sync::wire::{HubMsg, Limits};
use uuid::Uuid;

use crate::store::{Decoded, StoreError, decode_received, decoded_with_derivation};

/// Documents loaded ahead and not yet taken, at most: a catch-up runs ahead of its
/// commits by a frame or two (a `Docs` frame of the demo holds about 500), so this bounds memory
/// without slowing it; beyond it documents are simply loaded by the store when applied.
const MAX_AHEAD: usize = 1024;

/// The message types of `Docs` and `Bootstrap` frames (docs/SYNC.md), checked before a
/// frame is parsed here.
const DOCS_TYPE: u8 = 0x84;
const BOOTSTRAP_TYPE: u8 = 0x89;
const BOOTSTRAP_ROWS_TYPE: u8 = 0x8A;
const DOCS_ROWS_TYPE: u8 = 0x8C;

enum Slot {
    Loading {
        hash: u64,
    },
    Done {
        hash: u64,
        result: Box<Result<Decoded, StoreError>>,
    },
    /// The worker stopped without an answer: the store loads the document itself.
    Lost,
    /// Made ready from the item's derivation, with no loading (revision 6). Not counted
    /// in [`MAX_AHEAD`]: it holds the item's bytes and rows, no loaded document, and
    /// there are no more of them than items in the frames the session holds.
    Ready {
        hash: u64,
        decoded: Box<Decoded>,
    },
}

#[derive(Default)]
struct Shared {
    slots: Mutex<HashMap<Uuid, Slot>>,
    done: Condvar,
    /// Set when the session ends: documents still queued are not worth loading.
    stopping: AtomicBool,
}

struct Job {
    clinic: ClinicId,
    id: DocId,
    doc_type: DocType,
    hash: u64,
    data: Vec<u8>,
}

/// Worker threads that load whole documents from `Docs` frames ahead of their apply.
pub struct Predecoder {
    jobs: Option<mpsc::Sender<Job>>,
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

fn content_hash(data: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    h.finish()
}

impl Predecoder {
    /// One worker per core (at most four); none on a single core, where loading ahead
    /// could only take time from the commit.
    pub fn start() -> Predecoder {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let count = if cores < 2 { 0 } else { cores.min(4) };
        Self::with_workers(count)
    }

    fn with_workers(count: usize) -> Predecoder {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let shared = Arc::new(Shared::default());
        let mut workers = Vec::new();
        for n in 0..count {
            let rx = Arc::clone(&rx);
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("sync-load-{n}"))
                .spawn(move || work(&rx, &shared));
            match spawned {
                Ok(handle) => workers.push(handle),
                Err(e) => tracing::warn!(error = %e, "could not start a document loader"),
            }
        }
        Predecoder {
            jobs: (!workers.is_empty()).then_some(tx),
            shared,
            workers,
        }
    }

    /// Starts loading the whole documents of `frame` if it is a `Docs` or `Bootstrap`
    /// frame. A frame
    /// that does not parse is left to the engine, which ends the session over it.
    pub fn offer(&self, clinic: Option<ClinicId>, frame: &[u8]) {
        let Some(clinic) = clinic else {
            return;
        };
        if !matches!(
            frame.get(3),
            Some(&DOCS_TYPE | &DOCS_ROWS_TYPE | &BOOTSTRAP_TYPE | &BOOTSTRAP_ROWS_TYPE)
        ) {
            return;
        }
        let (items, derived) = match HubMsg::decode(frame, &Limits::default()) {
            Ok(HubMsg::Docs { items, derived, .. }) => (items, derived),
            Ok(HubMsg::Bootstrap { items, derived, .. }) => (items, derived),
            _ => return,
        };
        let mut derived = derived.into_iter();
        let mut slots = self
            .shared
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut loading = slots
            .values()
            .filter(|s| !matches!(s, Slot::Ready { .. }))
            .count();
        for item in items {
            let rows = derived.next().unwrap_or_default();
            if !item.full || slots.contains_key(&item.doc_id) {
                continue;
            }
            let Some(doc_type) = DocType::parse(&item.doc_type) else {
                continue;
            };
            let hash = content_hash(&item.data);
            let mut data = item.data;
            if let Ok(Some(derivation)) = dermis_model::derivation::codec::decode(&rows) {
                match decoded_with_derivation(doc_type, item.heads, derivation, data) {
                    Ok(ready) => {
                        crate::phases::derived_doc();
                        slots.insert(
                            item.doc_id,
                            Slot::Ready {
                                hash,
                                decoded: Box::new(ready),
                            },
                        );
                        continue;
                    }
                    Err(back) => data = back,
                }
            }
            let Some(jobs) = &self.jobs else {
                continue;
            };
            if loading >= MAX_AHEAD {
                continue;
            }
            loading += 1;
            let job = Job {
                clinic,
                id: DocId(item.doc_id),
                doc_type,
                hash,
                data,
            };
            if jobs.send(job).is_err() {
                return;
            }
            slots.insert(item.doc_id, Slot::Loading { hash });
        }
    }

    /// The loaded document `id` if it was offered with exactly `data`, waiting for its
    /// worker to finish it; `None` when it was not offered (or with other bytes): then
    /// the caller loads it.
    pub fn take(&self, id: Uuid, data: &[u8]) -> Option<Result<Decoded, StoreError>> {
        let mut slots = self
            .shared
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let wanted = match slots.get(&id)? {
            Slot::Loading { hash } | Slot::Done { hash, .. } | Slot::Ready { hash, .. } => *hash,
            Slot::Lost => {
                slots.remove(&id);
                return None;
            }
        };
        if wanted != content_hash(data) {
            return None;
        }
        while matches!(slots.get(&id), Some(Slot::Loading { .. })) {
            slots = self
                .shared
                .done
                .wait(slots)
                .unwrap_or_else(PoisonError::into_inner);
        }
        match slots.remove(&id)? {
            Slot::Done { result, .. } => Some(*result),
            Slot::Ready { decoded, .. } => Some(Ok(*decoded)),
            Slot::Loading { .. } | Slot::Lost => None,
        }
    }

    /// Documents offered and not yet taken.
    pub fn pending(&self) -> usize {
        self.shared
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

fn work(jobs: &Mutex<mpsc::Receiver<Job>>, shared: &Shared) {
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return;
        };
        if shared.stopping.load(Ordering::Relaxed) {
            continue;
        }
        let id = job.id.0;
        let hash = job.hash;
        let loaded = std::panic::catch_unwind(move || {
            decode_received(job.id, job.doc_type, job.clinic, job.data)
        });
        let mut slots = shared.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.contains_key(&id) {
            let slot = match loaded {
                Ok(result) => Slot::Done {
                    hash,
                    result: Box::new(result),
                },
                Err(_) => Slot::Lost,
            };
            slots.insert(id, slot);
        }
        drop(slots);
        shared.done.notify_all();
    }
}

impl Drop for Predecoder {
    fn drop(&mut self) {
        // Each worker stops after the document in its hands: what is still queued is
        // skipped, so a session that ends mid catch-up does not wait for it.
        self.shared.stopping.store(true, Ordering::Relaxed);
        self.jobs = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dermis_sync::wire::DocData;

    fn patient_bytes(clinic: ClinicId, id: DocId) -> Vec<u8> {
        let draft = dermis_model::patient::PatientDraft {
            first_name: "Anna".into(),
            last_name: "Petrosyan".into(),
            ..Default::default()
        };
        let mut doc = dermis_model::patient::create_patient(
            dermis_model::PatientId(id.0),
            clinic,
            &draft,
            "MRN-1",
            0,
            None,
            automerge::ActorId::random(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        doc.save()
    }

    fn frame(items: Vec<DocData>) -> Vec<u8> {
        HubMsg::Docs {
            request: 1,
            items,
            missing: Vec::new(),
            derived: Vec::new(),
        }
        .encode()
    }

    fn item(id: DocId, data: Vec<u8>, full: bool) -> DocData {
        DocData {
            doc_id: id.0,
            doc_type: "patient".into(),
            seq: 1,
            heads: Vec::new(),
            full,
            data,
        }
    }

    #[test]
    fn whole_documents_of_a_docs_frame_are_loaded_ahead() {
        let clinic = ClinicId(Uuid::now_v7());
        let pre = Predecoder::with_workers(2);
        let (a, b, c) = (DocId::new(), DocId::new(), DocId::new());
        let (da, db) = (patient_bytes(clinic, a), patient_bytes(clinic, b));
        pre.offer(
            Some(clinic),
            &frame(vec![
                item(a, da.clone(), true),
                item(b, db.clone(), true),
                // Changes on top of a stored document are applied by the store.
                item(c, patient_bytes(clinic, c), false),
            ]),
        );
        assert_eq!(pre.pending(), 2);
        assert!(matches!(pre.take(a.0, &da), Some(Ok(_))));
        // Other bytes under the same id are not what was loaded.
        assert!(pre.take(b.0, &da).is_none());
        assert!(matches!(pre.take(b.0, &db), Some(Ok(_))));
        assert!(pre.take(c.0, &[]).is_none());
        assert_eq!(pre.pending(), 0);
    }

    #[test]
    fn a_document_that_does_not_load_is_reported_like_the_store_would() {
        let clinic = ClinicId(Uuid::now_v7());
        let other = ClinicId(Uuid::now_v7());
        let pre = Predecoder::with_workers(1);
        let (a, b) = (DocId::new(), DocId::new());
        let foreign = patient_bytes(other, a);
        let garbage = b"not an automerge document".to_vec();
        pre.offer(
            Some(clinic),
            &frame(vec![
                item(a, foreign.clone(), true),
                item(b, garbage.clone(), true),
            ]),
        );
        let direct = decode_received(a, DocType::Patient, clinic, foreign.clone()).err();
        let ahead = pre.take(a.0, &foreign).and_then(Result::err);
        assert_eq!(ahead.map(|e| e.to_string()), direct.map(|e| e.to_string()));
        assert!(matches!(pre.take(b.0, &garbage), Some(Err(_))));
    }

    #[test]
    fn frames_that_are_not_docs_and_sessions_before_welcome_load_nothing() {
        let clinic = ClinicId(Uuid::now_v7());
        let pre = Predecoder::with_workers(1);
        let a = DocId::new();
        let docs = frame(vec![item(a, patient_bytes(clinic, a), true)]);
        pre.offer(None, &docs);
        pre.offer(Some(clinic), &HubMsg::Ping { nonce: 1 }.encode());
        pre.offer(Some(clinic), &docs[..docs.len() - 1]);
        assert_eq!(pre.pending(), 0);
        let none = Predecoder::with_workers(0);
        none.offer(Some(clinic), &docs);
        assert_eq!(none.pending(), 0);
    }

    #[test]
    fn an_item_with_its_derivation_is_ready_without_loading_even_beyond_the_bound() {
        let clinic = ClinicId(Uuid::now_v7());
        // No worker: nothing could be loaded ahead, yet derived items are ready.
        let pre = Predecoder::with_workers(0);
        let ids: Vec<DocId> = (0..MAX_AHEAD + 2).map(|_| DocId::new()).collect();
        let one = patient_bytes(clinic, ids[0]);
        let mut doc = automerge::AutoCommit::load(&one).unwrap_or_else(|e| panic!("{e}"));
        let record = dermis_model::doc::read_record(&doc, DocType::Patient)
            .unwrap_or_else(|e| panic!("{e}"));
        let derivation = dermis_model::derivation::derive(&mut doc, &record)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("a patient"));
        let rows = dermis_model::derivation::codec::encode(&derivation);
        let items: Vec<DocData> = ids
            .iter()
            .map(|id| DocData {
                heads: doc.get_heads(),
                ..item(*id, one.clone(), true)
            })
            .collect();
        let frame = HubMsg::Bootstrap {
            request: 1,
            from: 0,
            up_to: 9,
            more: false,
            derived: vec![rows; items.len()],
            items,
        }
        .encode();
        pre.offer(Some(clinic), &frame);
        assert_eq!(pre.pending(), ids.len());
        for id in &ids {
            assert!(matches!(pre.take(id.0, &one), Some(Ok(_))));
        }
    }
}
