//! Pushes applied and fetches answered with the Automerge work on the pool
//! ([`crate::pool`]) and only SQL in the store. A push is read, planned and written in
//! three steps: the store reads the rows of the documents it names (no lock held); a
//! worker plans it (`dermis_sync::plan::plan_apply`: check, parse, load, merge, save);
//! the store writes the plan in one transaction if every document it was planned on is
//! still as read ([`Plan::bases`], and new documents still new), else reads and plans
//! again. Within one hub process, pushes naming the same document take turns
//! ([`DocLocks`]), so planning again happens only when another process (another hub
//! instance on the same Postgres) wrote one of them in between; after a few such
//! losses, Postgres plans once more holding the rows' locks, so a push always lands.
//!
//! A batch is planned in parts of about [`PART_BYTES`] (pushed bytes plus the stored
//! bytes of the documents they name), so what a worker holds loaded does not grow with
//! how many stored documents one frame can name. A large batch is also cut into one part
//! per worker at least ([`SPLIT_MIN_DOCS`]), and when no document appears twice in it its
//! parts are read, planned and written at once: every worker plans while the store
//! writes the part planned before (a node's first push is batches of hundreds of new
//! documents, which one worker planned alone while the other cores waited). Each
//! document is all-or-nothing, as `DocStore::apply` promises; a batch never was.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use dermis_model::ClinicId;
use dermis_sync::chunks::DocLimits;
use dermis_sync::plan::{self as docs, Plan, StoredDoc};
use dermis_sync::wire::{DocData, DocPush, FetchItem, PushOutcome};
use uuid::Uuid;

use super::StoreError;
use crate::pool::{Caller, Place};

/// About how many bytes (pushed, plus stored for the documents they name) one part of a
/// batch brings to a worker; a single larger document is planned alone.
pub const PART_BYTES: u64 = 4 << 20;

/// A batch of at least twice this many documents is cut into one part per worker (or
/// more, by bytes); smaller ones are one part, as a part costs a read and a write of
/// its own.
pub const SPLIT_MIN_DOCS: usize = 32;

/// How often a part is planned; the last time holding its documents' write locks
/// ([`Rows::apply_locked`]) where the store can.
const ATTEMPTS: usize = 4;

/// What a store does for [`apply`]: SQL only.
pub(crate) trait Rows: Sync {
    /// What pushed bytes may cost to check and parse ([`super::rules::doc_limits`]).
    fn doc_limits(&self) -> DocLimits;

    /// The stored size (snapshot and change rows) of each of these documents that the
    /// clinic has; others are left out.
    fn doc_sizes(
        &self,
        clinic: ClinicId,
        ids: Vec<Uuid>,
    ) -> impl Future<Output = Result<HashMap<Uuid, u64>, StoreError>> + Send;

    /// What planning a push needs, in one call to the store (one read, one snapshot, no
    /// lock): the rows of these documents, whatever their clinic (another clinic's
    /// without their content), and the clinic's erased
    /// ids (patients and the documents their erasure removed), whose pushes are refused
    /// ([`super::rules::Guarded`]).
    fn read_for_plan(
        &self,
        clinic: ClinicId,
        ids: Vec<Uuid>,
    ) -> impl Future<Output = Result<ForPlan, StoreError>> + Send;

    /// Writes `plan` in one transaction, giving each written document the clinic's next
    /// seq, if every document it was planned on still has the heads in [`Plan::bases`],
    /// every document it inserts is still absent and none it writes has been erased since
    /// it was read; otherwise writes nothing. In the same transaction it records the
    /// erasures of [`Plan::erasures`] it had not yet recorded, removes those patients'
    /// documents and queues the `erasure` job for the rest ([`crate::erasure`]).
    fn write_plan(
        &self,
        clinic: ClinicId,
        plan: Plan,
    ) -> impl Future<Output = Result<Written, StoreError>> + Send;

    /// Reads, plans (in `place`) and writes `pushes` holding their documents' write locks
    /// throughout, so no other process can make the plan stale: the last attempt, after
    /// others kept winning. `None` when the store cannot (the embedded one: its one
    /// connection cannot wait for a worker inside a transaction; within one process
    /// pushes take turns anyway).
    fn apply_locked(
        &self,
        clinic: ClinicId,
        pushes: &[DocPush],
        place: Place<'_>,
    ) -> impl Future<Output = Result<Option<Vec<PushOutcome>>, StoreError>> + Send;
}

/// What [`Rows::read_for_plan`] read.
#[derive(Debug)]
pub(crate) struct ForPlan {
    pub stored: HashMap<Uuid, StoredDoc>,
    pub erased: HashSet<Uuid>,
}

/// What [`Rows::write_plan`] did.
#[derive(Debug)]
pub(crate) enum Written {
    Done(Vec<PushOutcome>),
    /// A document changed since it was read: nothing was written.
    Stale,
}

fn pool_error(source: crate::pool::PoolError) -> StoreError {
    StoreError::Pool { source }
}

/// Applies a batch for `clinic` (see the module's text).
pub(crate) async fn apply<R: Rows>(
    rows: &R,
    locks: &Arc<DocLocks>,
    caller: &Caller,
    clinic: ClinicId,
    pushes: &[DocPush],
) -> Result<Vec<PushOutcome>, StoreError> {
    if pushes.is_empty() {
        return Ok(Vec::new());
    }
    // One push is one part whatever its size: no need to ask the store how large its
    // document is (most pushes are one document: a live edit).
    let ids = unique_ids(pushes);
    let sizes = if pushes.len() == 1 {
        HashMap::new()
    } else {
        rows.doc_sizes(clinic, ids.clone()).await?
    };
    let parts = parts(
        pushes,
        &sizes,
        PART_BYTES,
        part_docs(pushes.len(), caller.pool().options().workers),
    );
    if parts.len() > 1 && ids.len() == pushes.len() {
        // No document in two parts: their order does not matter, and each holds its own
        // documents' turns (taken in id order, so parts never wait on each other).
        let applied = futures_util::future::try_join_all(
            parts
                .iter()
                .map(|part| apply_part(rows, locks, caller, clinic, part)),
        )
        .await?;
        return Ok(applied.into_iter().flatten().collect());
    }
    let mut outcomes = Vec::with_capacity(pushes.len());
    for part in parts {
        outcomes.extend(apply_part(rows, locks, caller, clinic, part).await?);
    }
    Ok(outcomes)
}

/// The most documents in one part of a batch of `len` for `workers`: all of them below
/// [`SPLIT_MIN_DOCS`] twice over, else an even share per worker.
fn part_docs(len: usize, workers: usize) -> usize {
    if len < 2 * SPLIT_MIN_DOCS {
        return len.max(1);
    }
    len.div_ceil(workers.max(1)).max(SPLIT_MIN_DOCS)
}

fn unique_ids(pushes: &[DocPush]) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = pushes.iter().map(|p| p.doc_id).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Splits a batch, in order, into runs of about `max` bytes and at most `max_docs`
/// pushes each (at least one push).
fn parts<'a>(
    pushes: &'a [DocPush],
    sizes: &HashMap<Uuid, u64>,
    max: u64,
    max_docs: usize,
) -> Vec<&'a [DocPush]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    // Documents whose stored bytes this part already counts.
    let mut counted: HashSet<Uuid> = HashSet::new();
    let cost = |push: &DocPush, counted: &HashSet<Uuid>| {
        let stored = if counted.contains(&push.doc_id) {
            0
        } else {
            sizes.get(&push.doc_id).copied().unwrap_or(0)
        };
        (push.data.len() as u64).saturating_add(stored)
    };
    for (i, push) in pushes.iter().enumerate() {
        if i > start && (bytes.saturating_add(cost(push, &counted)) > max || i - start >= max_docs)
        {
            parts.push(&pushes[start..i]);
            start = i;
            bytes = 0;
            counted.clear();
        }
        bytes = bytes.saturating_add(cost(push, &counted));
        counted.insert(push.doc_id);
    }
    if start < pushes.len() {
        parts.push(&pushes[start..]);
    }
    parts
}

async fn apply_part<R: Rows>(
    rows: &R,
    locks: &Arc<DocLocks>,
    caller: &Caller,
    clinic: ClinicId,
    part: &[DocPush],
) -> Result<Vec<PushOutcome>, StoreError> {
    // The budget first: a node held back by it holds no document others wait for.
    caller.ready().await;
    let ids = unique_ids(part);
    let _turn = locks.lock(&ids).await;
    for attempt in 1..=ATTEMPTS {
        // A place in the pool's queue first: stored documents are read only for a job
        // about to run.
        let place = caller.place().await.map_err(pool_error)?;
        if attempt == ATTEMPTS {
            match rows.apply_locked(clinic, part, place).await? {
                Some(outcomes) => return Ok(outcomes),
                None => break,
            }
        }
        let ForPlan { stored, erased } = rows.read_for_plan(clinic, ids.clone()).await?;
        let rules = super::rules::Guarded::new(erased);
        let pushes = part.to_vec();
        let limits = rows.doc_limits();
        let cache = caller.doc_cache().clone();
        let plan = place
            .run(move || docs::plan_apply(clinic, &pushes, stored, limits, &rules, &cache))
            .await
            .map_err(pool_error)??;
        match rows.write_plan(clinic, plan).await? {
            Written::Done(outcomes) => return Ok(outcomes),
            Written::Stale => tracing::debug!("documents changed while planned; planning again"),
        }
    }
    Err(StoreError::Contended { attempts: ATTEMPTS })
}

/// Answers fetch items from their stored rows (`None`: the clinic has no such
/// document). Whole documents are the stored bytes as they are; an item with `have`
/// needs its document loaded, which happens on the pool.
pub(crate) async fn answer(
    caller: &Caller,
    items: Vec<FetchItem>,
    stored: Vec<Option<StoredDoc>>,
) -> Result<Vec<Option<DocData>>, StoreError> {
    let loads = items
        .iter()
        .zip(&stored)
        .any(|(item, s)| s.is_some() && !item.have.is_empty());
    let cache = caller.doc_cache().clone();
    let build = move || {
        items
            .iter()
            .zip(stored)
            .map(|(item, s)| s.map(|s| docs::fetched(item, s, &cache)).transpose())
            .collect::<Result<Vec<_>, docs::Damaged>>()
    };
    let answered = if loads {
        caller.run(build).await.map_err(pool_error)?
    } else {
        build()
    };
    answered.map_err(StoreError::from)
}

/// Turns per document within one process: a push holds its documents (taken in id
/// order, so two pushes never wait on each other in a cycle) from reading them to
/// writing them.
#[derive(Debug, Default)]
pub struct DocLocks {
    held: Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
}

/// The documents a push holds; released when dropped.
pub(crate) struct Turn {
    locks: Arc<DocLocks>,
    ids: Vec<Uuid>,
    guards: Vec<tokio::sync::OwnedMutexGuard<()>>,
}

impl DocLocks {
    /// The turns every handle on the database named `key` shares in this process: the
    /// embedded store's handles opened apart (the server's, the command line's in tests)
    /// must not make each other's plans stale, as nothing could then break the tie.
    pub(crate) fn shared(key: &str) -> Arc<DocLocks> {
        static SHARED: Mutex<Vec<(String, std::sync::Weak<DocLocks>)>> = Mutex::new(Vec::new());
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        shared.retain(|(_, locks)| locks.strong_count() > 0);
        if let Some(locks) = shared
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, locks)| locks.upgrade())
        {
            return locks;
        }
        let locks = Arc::new(DocLocks::default());
        shared.push((key.to_owned(), Arc::downgrade(&locks)));
        locks
    }

    /// Takes `ids` (sorted, without repeats), waiting for pushes that hold any of them.
    pub(crate) async fn lock(self: &Arc<Self>, ids: &[Uuid]) -> Turn {
        let mut guards = Vec::with_capacity(ids.len());
        for id in ids {
            let lock = self
                .held
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(*id)
                .or_default()
                .clone();
            guards.push(lock.lock_owned().await);
        }
        Turn {
            locks: self.clone(),
            ids: ids.to_vec(),
            guards,
        }
    }

    /// Documents someone holds or waits for (for tests: nothing is left behind).
    pub fn len(&self) -> usize {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.guards.clear();
        let mut held = self
            .locks
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for id in &self.ids {
            // Only the map's own reference left: nobody holds or waits for it.
            if held.get(id).is_some_and(|l| Arc::strong_count(l) == 1) {
                held.remove(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(id: Uuid, bytes: usize) -> DocPush {
        DocPush {
            doc_id: id,
            doc_type: "patient".into(),
            data: vec![0; bytes],
        }
    }

    fn lens(parts: &[&[DocPush]]) -> Vec<usize> {
        parts.iter().map(|p| p.len()).collect()
    }

    #[test]
    fn a_batch_is_split_by_pushed_and_stored_bytes_in_order() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let sizes = HashMap::from([(a, 60), (b, 10)]);
        let batch = [
            push(a, 10),
            push(a, 10),
            push(b, 10),
            push(c, 90),
            push(c, 5),
        ];
        let split = lens(&parts(&batch, &sizes, 100, usize::MAX));
        // a's stored bytes count once: 60 + 10 + 10 + (10 + 10) = 100, then c alone.
        assert_eq!(split, vec![3, 2]);
        assert_eq!(split.iter().sum::<usize>(), batch.len());
        let huge = [push(a, 500), push(b, 1)];
        let split = lens(&parts(&huge, &sizes, 100, usize::MAX));
        assert_eq!(split, vec![1, 1], "a part too large alone is still planned");
        assert!(parts(&[], &sizes, 100, usize::MAX).is_empty());
    }

    #[test]
    fn a_large_batch_is_cut_into_a_part_per_worker_and_a_small_one_is_not() {
        assert_eq!(part_docs(1, 2), 1);
        assert_eq!(part_docs(2 * SPLIT_MIN_DOCS - 1, 2), 2 * SPLIT_MIN_DOCS - 1);
        assert_eq!(part_docs(500, 2), 250);
        assert_eq!(part_docs(501, 4), 126);
        assert_eq!(part_docs(2 * SPLIT_MIN_DOCS, 16), SPLIT_MIN_DOCS);
        assert_eq!(part_docs(0, 0), 1);
        let sizes = HashMap::new();
        let batch: Vec<DocPush> = (0..5).map(|_| push(Uuid::now_v7(), 1)).collect();
        let split = lens(&parts(&batch, &sizes, 100, 2));
        assert_eq!(split, vec![2, 2, 1], "by count, in order");
        let split = lens(&parts(&batch, &sizes, 2, 3));
        assert_eq!(split, vec![2, 2, 1], "by bytes first when they cut sooner");
    }

    #[tokio::test]
    async fn pushes_naming_a_document_take_turns_and_leave_nothing_behind() {
        let locks = Arc::new(DocLocks::default());
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let mut ids = vec![a, b];
        ids.sort();
        let first = locks.lock(&ids).await;
        let waiting = tokio::spawn({
            let locks = locks.clone();
            async move {
                let _turn = locks.lock(&[b]).await;
            }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "b is held");
        drop(first);
        assert!(waiting.await.is_ok());
        assert!(locks.is_empty(), "{}", locks.len());
    }
}
