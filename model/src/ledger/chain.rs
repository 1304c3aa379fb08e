//! The receipt chain: every sale, refund and void a node writes carries its place in that
//! node's chain (`seq`, the receipt counter) and a SHA-256 hash over the previous
//! entry's hash and its own canonical content. An entry edited, removed or reordered in
//! any copy of the ledgers then breaks the chain at the first entry after the change.
//!
//! The chain runs across the node's per-day ledger documents: it is ordered by `seq`,
//! not by document. Entries written before receipts were chained have no link; they
//! form an unchained legacy prefix, reported as such. An unlinked entry after the chain
//! began is a break (someone stripped its link).
//!
//! A chain proves the entries agree with each other, not that none was added at the
//! end by someone who can recompute hashes: anchoring heads elsewhere (the hub) is what
//! catches a rewritten tail.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Sale;
use crate::NodeId;

/// The `prev_hash` of a node's first chained entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Version of the canonical encoding, hashed first so a later encoding cannot collide
/// with this one.
const CANON_V1: &[u8] = b"dermis-receipt-chain/1";

/// An entry's place in its node's chain.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ChainLink {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// Length-prefixed fields, so no two different entries encode alike.
struct Canon(Sha256);

impl Canon {
    fn bytes(&mut self, b: &[u8]) {
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
    }
    fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn int(&mut self, v: i64) {
        self.0.update(v.to_le_bytes());
    }
    fn opt(&mut self, v: Option<String>) {
        match v {
            Some(s) => {
                self.0.update([1]);
                self.text(&s);
            }
            None => self.0.update([0]),
        }
    }
}

/// The hash of `sale` at `seq` after `prev_hash`. The sale's own link is not hashed.
pub fn entry_hash(prev_hash: &str, seq: i64, sale: &Sale) -> String {
    let mut c = Canon(Sha256::new());
    c.bytes(CANON_V1);
    c.text(prev_hash);
    c.int(seq);
    c.text(&sale.id.to_string());
    c.text(&sale.receipt);
    c.text(sale.kind.as_str());
    c.opt(sale.original_id.map(|i| i.to_string()));
    c.int(sale.at);
    c.opt(sale.cashier.clone());
    c.opt(sale.cashier_id.map(|i| i.to_string()));
    c.text(&sale.node_id.to_string());
    c.text(sale.currency.code());
    c.int(sale.lines.len() as i64);
    for l in &sale.lines {
        c.text(&l.product_id.to_string());
        c.text(&l.sku);
        c.text(&l.name);
        for v in [
            l.qty,
            l.unit_minor,
            l.discount_minor,
            i64::from(l.tax_bps),
            l.tax_minor,
            l.total_minor,
        ] {
            c.int(v);
        }
    }
    for v in [
        sale.subtotal_minor,
        sale.discount_minor,
        sale.tax_minor,
        sale.total_minor,
        sale.change_minor,
    ] {
        c.int(v);
    }
    c.int(sale.payments.len() as i64);
    for p in &sale.payments {
        c.text(p.method.as_str());
        c.int(p.amount_minor);
    }
    c.opt(sale.patient_id.map(|i| i.to_string()));
    c.opt(sale.shift_id.map(|i| i.to_string()));
    // Fields added after the first encoding are hashed only when present, tagged by
    // name, so every entry written before them keeps its hash.
    if let Some(reason) = &sale.reason {
        c.text("reason");
        c.text(reason);
    }
    hex::encode(c.0.finalize())
}

/// Links `sale` into the chain at `seq` after `prev_hash`.
pub fn link(sale: &mut Sale, seq: i64, prev_hash: &str) {
    let hash = entry_hash(prev_hash, seq, sale);
    sale.chain = Some(ChainLink {
        seq,
        prev_hash: prev_hash.to_owned(),
        hash,
    });
}

/// One entry's standing in its chain, as far as the entry and the one before it tell
/// (the whole chain is `sale verify`'s; this is what a journal shows beside a receipt).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryCheck {
    /// Written before receipts were chained: nothing to check.
    Unchained,
    /// Its content matches its hash, and it follows the entry before it (or starts the
    /// chain).
    Intact,
    /// Its content does not match its hash.
    Edited,
    /// The entry before it is not in this node's copy of the ledgers (not synced yet, or
    /// removed).
    PreviousMissing,
    /// The entry before it does not have the hash this one follows.
    Reordered,
}

/// Checks `sale` against its own hash and against `previous`, its node's entry at the
/// `seq` before it (`None` when there is none to be found).
pub fn check_entry(sale: &Sale, previous: Option<&Sale>) -> EntryCheck {
    let Some(c) = &sale.chain else {
        return EntryCheck::Unchained;
    };
    if entry_hash(&c.prev_hash, c.seq, sale) != c.hash {
        return EntryCheck::Edited;
    }
    if c.prev_hash == GENESIS {
        return EntryCheck::Intact;
    }
    match previous.and_then(|p| p.chain.as_ref()) {
        None => EntryCheck::PreviousMissing,
        Some(p) if p.seq + 1 != c.seq => EntryCheck::PreviousMissing,
        Some(p) if p.hash != c.prev_hash => EntryCheck::Reordered,
        Some(_) => EntryCheck::Intact,
    }
}

/// Why a chain is broken at an entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// Its content or link does not match its hash.
    Edited,
    /// Entries before it are missing (a gap in `seq`, or a first entry that is not the
    /// chain's start).
    Missing,
    /// Its `prev_hash` is not the hash of the entry before it (reordered or replaced).
    Reordered,
    /// Two entries claim the same place.
    Duplicate,
    /// It has no link although the chain had begun.
    Unchained,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ChainBreak {
    pub receipt: String,
    pub kind: BreakKind,
}

/// One node's chain as found.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ChainReport {
    pub node_id: NodeId,
    pub intact: bool,
    /// Entries written before receipts were chained, read as an unchained prefix.
    pub legacy: usize,
    pub chained: usize,
    pub first_receipt: Option<String>,
    pub last_receipt: Option<String>,
    /// The last intact entry's `seq` and hash.
    pub head_seq: Option<i64>,
    pub head_hash: Option<String>,
    pub broken: Option<ChainBreak>,
}

/// The number at the end of a receipt (`N3-000123` → 123), to order unlinked entries.
fn receipt_number(receipt: &str) -> i64 {
    receipt
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn order_key(s: &Sale) -> (i64, i64, String) {
    let seq = s
        .chain
        .as_ref()
        .map_or_else(|| receipt_number(&s.receipt), |c| c.seq);
    (seq, s.at, s.id.to_string())
}

/// Checks the chain of `node`'s entries in `sales` (any order; others' entries and
/// repeats of one entry, as two copies of a ledger give, are ignored).
pub fn verify_node(node: NodeId, sales: &[Sale]) -> ChainReport {
    let mut mine: Vec<&Sale> = sales.iter().filter(|s| s.node_id == node).collect();
    mine.sort_by_key(|s| order_key(s));
    mine.dedup_by(|a, b| a == b);
    let mut walk = Walk::new(node);
    for s in mine {
        let step = match &s.chain {
            None if walk.head.is_none() => {
                walk.report.legacy += 1;
                continue;
            }
            None => Err(BreakKind::Unchained),
            Some(c) => {
                let content_ok = entry_hash(&c.prev_hash, c.seq, s) == c.hash;
                walk.fault(c.seq, &c.prev_hash, content_ok)
                    .map_or(Ok((c.seq, c.hash.as_str())), Err)
            }
        };
        if !walk.take(&s.receipt, step) {
            break;
        }
    }
    walk.finish()
}

/// One node's chain walked in order: the head so far and the report being filled.
struct Walk<'a> {
    report: ChainReport,
    head: Option<(i64, &'a str)>,
}

impl<'a> Walk<'a> {
    fn new(node: NodeId) -> Walk<'a> {
        Walk {
            report: ChainReport {
                node_id: node,
                intact: true,
                legacy: 0,
                chained: 0,
                first_receipt: None,
                last_receipt: None,
                head_seq: None,
                head_hash: None,
                broken: None,
            },
            head: None,
        }
    }

    /// What is wrong with a chained entry (`seq`, `prev_hash`, whether its content matches
    /// its hash) coming after the head, if anything.
    fn fault(&self, seq: i64, prev_hash: &str, content_ok: bool) -> Option<BreakKind> {
        match self.head {
            _ if !content_ok => Some(BreakKind::Edited),
            None => (prev_hash != GENESIS).then_some(BreakKind::Missing),
            Some((head, _)) if seq == head => Some(BreakKind::Duplicate),
            Some((head, _)) if seq != head + 1 => Some(BreakKind::Missing),
            Some((_, hash)) => (prev_hash != hash).then_some(BreakKind::Reordered),
        }
    }

    /// Takes the entry `receipt` as the new head (`Ok((seq, hash))`) or as where the chain
    /// breaks; whether the walk goes on.
    fn take(&mut self, receipt: &str, step: Result<(i64, &'a str), BreakKind>) -> bool {
        match step {
            Ok(head) => {
                self.report.chained += 1;
                if self.report.first_receipt.is_none() {
                    self.report.first_receipt = Some(receipt.to_owned());
                }
                self.report.last_receipt = Some(receipt.to_owned());
                self.head = Some(head);
                true
            }
            Err(kind) => {
                self.report.intact = false;
                self.report.broken = Some(ChainBreak {
                    receipt: receipt.to_owned(),
                    kind,
                });
                false
            }
        }
    }

    fn finish(mut self) -> ChainReport {
        self.report.head_seq = self.head.map(|(seq, _)| seq);
        self.report.head_hash = self.head.map(|(_, hash)| hash.to_owned());
        self.report
    }
}

/// Checks `report` against a head kept elsewhere (the node's own record of the last
/// entry it wrote, or the hub's record of the last it received): entries cut from the end
/// of every copy, or a rewritten chain, show here. `receipt` names the entry at a `seq`.
pub fn check_anchor(
    report: &mut ChainReport,
    anchor_seq: i64,
    anchor_hash: &str,
    receipt: impl Fn(i64) -> String,
) {
    if !report.intact {
        return;
    }
    let head = report.head_seq.unwrap_or(0);
    let kind = if head < anchor_seq {
        Some((head + 1, BreakKind::Missing))
    } else if head == anchor_seq && report.head_hash.as_deref() != Some(anchor_hash) {
        Some((head, BreakKind::Edited))
    } else {
        None
    };
    if let Some((seq, kind)) = kind {
        report.intact = false;
        report.broken = Some(ChainBreak {
            receipt: receipt(seq),
            kind,
        });
    }
}

/// A chained entry as a reader that keeps only the links holds it (the hub's index):
/// whether its content matched its hash was checked when it arrived.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Link {
    pub seq: i64,
    pub receipt: String,
    pub prev_hash: String,
    pub hash: String,
    pub content_ok: bool,
}

impl Link {
    /// The link of a chained entry, its content checked; `None` for an unchained one.
    pub fn of(sale: &Sale) -> Option<Link> {
        let c = sale.chain.as_ref()?;
        Some(Link {
            seq: c.seq,
            receipt: sale.receipt.clone(),
            prev_hash: c.prev_hash.clone(),
            hash: c.hash.clone(),
            content_ok: entry_hash(&c.prev_hash, c.seq, sale) == c.hash,
        })
    }
}

/// [`verify_node`] from links alone. An entry whose link was stripped is not a link: it
/// shows as a gap before the next.
pub fn verify_links(node: NodeId, links: &[Link]) -> ChainReport {
    let mut sorted: Vec<&Link> = links.iter().collect();
    sorted.sort_by(|a, b| (a.seq, &a.hash).cmp(&(b.seq, &b.hash)));
    sorted.dedup_by(|a, b| a == b);
    let mut walk = Walk::new(node);
    for l in sorted {
        let step = walk
            .fault(l.seq, &l.prev_hash, l.content_ok)
            .map_or(Ok((l.seq, l.hash.as_str())), Err);
        if !walk.take(&l.receipt, step) {
            break;
        }
    }
    walk.finish()
}

/// Every node's chain in `sales`, by node id.
pub fn verify_all(sales: &[Sale]) -> Vec<ChainReport> {
    let nodes: BTreeMap<String, NodeId> = sales
        .iter()
        .map(|s| (s.node_id.to_string(), s.node_id))
        .collect();
    nodes
        .into_values()
        .map(|node| verify_node(node, sales))
        .collect()
}

#[cfg(test)]
mod tests;
