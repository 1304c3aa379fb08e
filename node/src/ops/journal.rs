//! The sales journal: find sales, refunds and voids by receipt number, days, patient or
//! product, with the totals of all that was found; open one with what a cashier checks
//! before printing it again, refunding or voiding it. Searches read index rows only
//! (`store::journal`); opening reads the entries opened and the one before each in its
//! chain, from their ledgers. Refunds and voids themselves are `sales::refund_because`
//! and `sales::void_because`, as on the command line.

use dermis_model::clinic::Permission;
use dermis_model::ledger::chain::{self, EntryCheck};
use dermis_model::ledger::{self, LedgerPart, Sale, SaleKind};
use dermis_model::{DocId, ErrorCode, ValidationErrors};

use super::{parse_id, unknown};
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::journal::{self as index, EntryStatus, JournalQuery, JournalRow, JournalTotals};
use crate::store::queries;

/// Entries a page of the journal shows.
pub const PAGE: usize = 50;

/// Patients and products a search term may stand for, at most: a term that matches more
/// is a step of typing, not yet a search.
const MATCHES: usize = 200;

/// What the cashier typed. Dates are `YYYY-MM-DD` (UTC days, as receipts print them);
/// blank parts are not applied. A receipt number is looked up on every day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalSearch {
    pub receipt: String,
    pub from: String,
    pub to: String,
    pub patient: String,
    pub product: String,
}

/// A page of what a search found, with the totals of all it found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalPage {
    pub rows: Vec<JournalRow>,
    pub totals: JournalTotals,
    pub offset: usize,
}

/// The index query for a search: dates checked, patient and product terms resolved to
/// the records they match.
fn query(node: &Node, session: &Session, s: &JournalSearch) -> Result<JournalQuery, OpError> {
    let conn = node.store.conn();
    let mut errors = ValidationErrors::default();
    let day = |errors: &mut ValidationErrors, field: &str, text: &str| {
        (!text.trim().is_empty())
            .then(|| dermis_model::validate::date_field(errors, field, text))
            .flatten()
    };
    let from = day(&mut errors, "from", &s.from);
    let to = day(&mut errors, "to", &s.to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.add(
            "to",
            ErrorCode::InvalidTimeRange,
            "the last day is before the first",
        );
    }
    errors.into_result(())?;
    let start = |d: time::Date| d.midnight().assume_utc().unix_timestamp() * 1000;
    let mut q = JournalQuery {
        receipt: Some(s.receipt.trim().to_owned()).filter(|r| !r.is_empty()),
        from_ms: from.map(start),
        to_ms: to.map(|d| start(d) + 86_400_000),
        patients: None,
        products: None,
    };
    if !s.patient.trim().is_empty() {
        // Finding a patient's purchases reads patients: the role must see them.
        session.require(Permission::ViewPatients)?;
        q.patients = Some(index::patients_matching(conn, &s.patient, MATCHES)?);
    }
    if !s.product.trim().is_empty() {
        q.products = Some(index::products_matching(conn, &s.product, MATCHES)?);
    }
    Ok(q)
}

/// The entries `search` matches from `offset` (newest first, [`PAGE`] of them), and the
/// totals of all it matches.
pub fn search(
    node: &Node,
    session: &Session,
    search: &JournalSearch,
    offset: usize,
) -> Result<JournalPage, OpError> {
    session.require(Permission::Sell)?;
    let q = query(node, session, search)?;
    let conn = node.store.conn();
    let mut rows = index::journal_page(conn, &q, offset, PAGE)?;
    if !session.can(Permission::ViewPatients) {
        for row in &mut rows {
            row.patient = None;
        }
    }
    let totals = index::journal_totals(conn, &q)?;
    Ok(JournalPage {
        rows,
        totals,
        offset,
    })
}

/// A linked patient as the journal names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientRef {
    pub id: String,
    pub name: String,
    pub mrn: String,
}

/// An entry opened: the entry as its ledger holds it, and what was done to it since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaleDetail {
    pub sale: Sale,
    pub status: EntryStatus,
    /// For a refund or void: the receipt of the sale it reverses.
    pub original_receipt: Option<String>,
    /// The patient, when one is linked and the role may see patients.
    pub patient: Option<PatientRef>,
    /// Units of each line refunded so far (a sale's; zeros for a refund or void).
    pub refunded: Vec<i64>,
    /// The sale's refunds and voids, oldest first.
    pub reversals: Vec<Sale>,
    /// How the entry stands in its workstation's receipt chain.
    pub chain: EntryCheck,
    /// The receipt before it in that chain, when found.
    pub previous_receipt: Option<String>,
}

impl SaleDetail {
    /// Units of each line that can still be refunded.
    pub fn refundable(&self) -> Vec<i64> {
        if self.sale.kind != SaleKind::Sale || self.status == EntryStatus::Voided {
            return vec![0; self.sale.lines.len()];
        }
        self.sale
            .lines
            .iter()
            .zip(self.refunded.iter().chain(std::iter::repeat(&0)))
            .map(|(l, done)| (l.qty - done).max(0))
            .collect()
    }
}

/// An entry read from its ledger by id (only that entry is read).
fn read_entry(node: &mut Node, sale_id: &str) -> Result<Option<Sale>, OpError> {
    let Some(ledger_id) = queries::ledger_of_sale(node.store.conn(), sale_id)? else {
        return Ok(None);
    };
    let ledger_id: DocId = parse_id("ledger", &ledger_id)?;
    let only = [(LedgerPart::Sale, sale_id.to_owned())];
    match node
        .store
        .with_doc(ledger_id, |doc| ledger::read_ledger_only(doc, &only))?
    {
        Some(read) => Ok(read.map_err(doc_error(ledger_id))?.sales.into_iter().next()),
        None => Ok(None),
    }
}

/// Opens the sale, refund or void with the receipt number `receipt`.
pub fn open(node: &mut Node, session: &Session, receipt: &str) -> Result<SaleDetail, OpError> {
    session.require(Permission::Sell)?;
    let missing = || unknown("receipt", ErrorCode::UnknownSale, receipt.trim());
    let row =
        crate::store::pos::entry_by_receipt(node.store.conn(), receipt)?.ok_or_else(missing)?;
    let sale = read_entry(node, &row.id)?.ok_or_else(missing)?;
    let original_receipt = match &row.original_id {
        Some(id) => queries::sale_receipt(node.store.conn(), id)?,
        None => None,
    };
    let mut reversals = Vec::new();
    for (id, _) in index::reversals_of(node.store.conn(), &row.id)? {
        if let Some(entry) = read_entry(node, &id)? {
            reversals.push(entry);
        }
    }
    let refunded = if sale.kind == SaleKind::Sale {
        queries::refunded_per_line(node.store.conn(), &row.id, sale.lines.len())?
    } else {
        vec![0; sale.lines.len()]
    };
    let status = match sale.kind {
        SaleKind::Refund => EntryStatus::Refund,
        SaleKind::Void => EntryStatus::Void,
        SaleKind::Sale if reversals.iter().any(|r| r.kind == SaleKind::Void) => EntryStatus::Voided,
        SaleKind::Sale => {
            let done: i64 = refunded.iter().sum();
            let sold: i64 = sale.lines.iter().map(|l| l.qty).sum();
            match done {
                0 => EntryStatus::Sale,
                n if n >= sold => EntryStatus::Refunded,
                _ => EntryStatus::PartlyRefunded,
            }
        }
    };
    let patient = match sale.patient_id {
        Some(id) if session.can(Permission::ViewPatients) => {
            queries::patient_by_id(node.store.conn(), &id.to_string())?.map(|p| PatientRef {
                id: p.id,
                name: format!("{} {}", p.first_name, p.last_name)
                    .trim()
                    .to_owned(),
                mrn: p.mrn,
            })
        }
        _ => None,
    };
    let previous = match &sale.chain {
        Some(link) if link.prev_hash != chain::GENESIS => {
            match index::chain_entry(node.store.conn(), &sale.node_id.to_string(), link.seq - 1)? {
                Some(id) => read_entry(node, &id)?,
                None => None,
            }
        }
        _ => None,
    };
    let chain = chain::check_entry(&sale, previous.as_ref());
    Ok(SaleDetail {
        previous_receipt: previous.map(|p| p.receipt),
        sale,
        status,
        original_receipt,
        patient,
        refunded,
        reversals,
        chain,
    })
}
