//! Documents received from the hub: checked and decoded (on any thread during a
//! catch-up), then applied in a write transaction without ever half-applying one.

use automerge::{AutoCommit, ChangeHash};
use dermis_model::{DocId, DocType};

use super::{Applied, Origin, Pending, StoreError, Tx, index};

/// A document received whole, loaded and checked outside the write transaction (on
/// several threads during a catch-up), ready for [`Tx::apply_decoded`].
pub struct Decoded {
    data: Vec<u8>,
    form: Form,
}

/// What a received document was read into.
enum Form {
    /// The clinic document, kept loaded: its merges and erasures are read at commit.
    Loaded {
        doc: Box<AutoCommit>,
        record: Box<dermis_model::doc::Record>,
    },
    /// Any other document: its heads and index rows, without the loaded document, which
    /// is dropped on the thread that read it (see [`lean`](super::lean)).
    Derived {
        heads: Vec<ChangeHash>,
        derived: index::Derived,
    },
}

/// Loads and checks a document received whole; the expensive part of storing it, and
/// free of the store, so callers may run it on any thread.
pub fn decode_received(
    id: DocId,
    doc_type: DocType,
    clinic: dermis_model::ClinicId,
    data: Vec<u8>,
) -> Result<Decoded, StoreError> {
    let (mut doc, record) = load_new(id, doc_type, clinic, &data)?;
    let form = match index::Derived::read(id, &mut doc, record)? {
        Ok(derived) => Form::Derived {
            heads: doc.get_heads(),
            derived,
        },
        Err(record) => Form::Loaded {
            doc: Box::new(doc),
            record: Box::new(record),
        },
    };
    Ok(Decoded { data, form })
}

/// A document received whole with its index derivation (docs/SYNC.md, revision 6):
/// stored with `heads` and the derivation's rows without being loaded. `Err` gives the
/// bytes back when the derivation does not fit (another document type, the clinic
/// document, which the store keeps loaded): the caller then loads the document as
/// [`decode_received`] does.
/// The derivation and heads are trusted as the hub's documents are.
pub fn decoded_with_derivation(
    doc_type: DocType,
    heads: Vec<ChangeHash>,
    derivation: dermis_model::derivation::Derivation,
    data: Vec<u8>,
) -> Result<Decoded, Vec<u8>> {
    if doc_type == DocType::Clinic || heads.is_empty() {
        return Err(data);
    }
    let Some(derived) = index::Derived::received(doc_type, derivation) else {
        return Err(data);
    };
    Ok(Decoded {
        data,
        form: Form::Derived { heads, derived },
    })
}

/// What received bytes may cost: the limits of the frames they arrive in.
/// Loads a document received whole that the store does not hold, with the checks of a
/// new document.
fn load_new(
    id: DocId,
    doc_type: DocType,
    clinic: dermis_model::ClinicId,
    data: &[u8],
) -> Result<(AutoCommit, dermis_model::doc::Record), StoreError> {
    dermis_sync::apply::parse(data, doc_limits())
        .and_then(|received| {
            dermis_sync::apply::load_new_record(
                received,
                id.0,
                doc_type,
                clinic,
                &dermis_sync::apply::NoRules,
            )
        })
        .map_err(|e| refused(id, e))
}

fn doc_limits() -> dermis_sync::chunks::DocLimits {
    dermis_sync::chunks::DocLimits::default()
}

/// Maps a refusal of the shared apply rules to this store's error.
fn refused(id: DocId, e: dermis_sync::apply::ApplyError) -> StoreError {
    match e {
        dermis_sync::apply::ApplyError::MissingDeps => StoreError::MissingDeps { id },
        dermis_sync::apply::ApplyError::Foreign => StoreError::Foreign { id },
        other => StoreError::Refused { id, source: other },
    }
}

impl Tx<'_> {
    /// Applies changes or a saved document received from the hub. The bytes must hold a
    /// document of `doc_type` in `clinic`; changes whose dependencies are missing are
    /// refused, so nothing half-applied is ever stored. On error the document is left as
    /// it was on disk.
    pub fn apply_remote(
        &mut self,
        id: DocId,
        doc_type: DocType,
        clinic: dermis_model::ClinicId,
        data: &[u8],
    ) -> Result<Applied, StoreError> {
        if self.is_erased(id)? {
            return Err(StoreError::Erased { id });
        }
        let existed = self.ensure_loaded(id)?;
        if !existed {
            let (doc, record) = load_new(id, doc_type, clinic, data)?;
            return Ok(self.insert_received(id, doc_type, doc, record, data.to_vec()));
        }
        let outcome = match self.pending.get_mut(&id) {
            Some(p) if p.doc_type == doc_type => dermis_sync::apply::parse(data, doc_limits())
                .and_then(|received| {
                    dermis_sync::apply::apply_to(&mut p.doc, received, id.0, doc_type, clinic)
                })
                .map_err(|e| refused(id, e))
                .map(|applied| {
                    let changed = applied.changed();
                    if p.origin == Origin::Remote {
                        p.record = applied.record;
                    }
                    Applied {
                        changed,
                        heads: applied.after,
                        created: false,
                    }
                }),
            _ => Err(StoreError::Foreign { id }),
        };
        if outcome.is_err() {
            self.discard(id);
        }
        outcome
    }

    /// Adds a document received whole and already checked (see [`decode_received`]),
    /// when this store does not have it yet; otherwise applies the bytes normally.
    pub fn apply_decoded(
        &mut self,
        id: DocId,
        doc_type: DocType,
        clinic: dermis_model::ClinicId,
        decoded: Decoded,
    ) -> Result<Applied, StoreError> {
        if self.is_erased(id)? {
            return Err(StoreError::Erased { id });
        }
        if self.ensure_loaded(id)? {
            return self.apply_remote(id, doc_type, clinic, &decoded.data);
        }
        match decoded.form {
            Form::Loaded { doc, record } => {
                Ok(self.insert_received(id, doc_type, *doc, *record, decoded.data))
            }
            Form::Derived { heads, derived } => {
                Ok(self.insert_lean(id, doc_type, heads, derived, decoded.data))
            }
        }
    }

    fn insert_received(
        &mut self,
        id: DocId,
        doc_type: DocType,
        mut doc: AutoCommit,
        record: dermis_model::doc::Record,
        raw: Vec<u8>,
    ) -> Applied {
        let heads = doc.get_heads();
        self.pending.insert(
            id,
            Pending {
                doc,
                doc_type,
                base: None,
                origin: Origin::Remote,
                synced: None,
                raw_snapshot: Some(raw),
                record: Some(record),
            },
        );
        self.order.push(id);
        Applied {
            heads,
            changed: true,
            created: true,
        }
    }
}
