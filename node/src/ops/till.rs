//! Reading the till's books: the receipt chains, one entry by its receipt number, the
//! accountant's sales report. Each reads the ledger documents themselves, not the index:
//! a chain check must see what the documents hold, and a report needs every line's tax
//! rate, which indexes made before schema 12 lack.

use dermis_model::clinic::{Business, Permission};
use dermis_model::ledger::{self, ChainReport, Sale, chain, report};
use dermis_model::{DocId, ErrorCode};

use super::catalog::day_of;
use super::{parse_id, unknown};
use crate::node::{Node, OpError, Session, doc_error};
use crate::store::pos;

fn ledger_sales(node: &mut Node, days: Option<(&str, &str)>) -> Result<Vec<Sale>, OpError> {
    let mut sales = Vec::new();
    for id in pos::ledgers(node.store.conn(), days)? {
        let id: DocId = parse_id("ledger", &id)?;
        if let Some(read) = node.store.with_doc(id, ledger::read_ledger)? {
            sales.extend(read.map_err(doc_error(id))?.sales);
        }
    }
    Ok(sales)
}

/// Every node's receipt chain as this node's copies of the ledgers hold it. This node's
/// own chain is also checked against the head it recorded when it wrote its last
/// receipt, so receipts cut from the end show too.
pub fn verify(node: &mut Node, session: &Session) -> Result<Vec<ChainReport>, OpError> {
    session.require(Permission::Sell)?;
    let sales = ledger_sales(node, None)?;
    let mut reports = chain::verify_all(&sales);
    let me = node.identity.node_id;
    let head = node.store.meta(super::sales::CHAIN_HEAD)?.and_then(|h| {
        let (seq, hash) = h.split_once(':')?;
        Some((seq.parse::<i64>().ok()?, hash.to_owned()))
    });
    if let Some((seq, hash)) = head {
        if !reports.iter().any(|r| r.node_id == me) {
            reports.push(chain::verify_node(me, &[]));
        }
        let code = node.identity.node_code.clone();
        if let Some(mine) = reports.iter_mut().find(|r| r.node_id == me) {
            chain::check_anchor(mine, seq, &hash, |n| format!("{code}-{n:06}"));
        }
    }
    Ok(reports)
}

/// A sale, refund or void by its receipt number, with the receipt number of the sale a
/// refund or void reverses.
pub fn entry(
    node: &mut Node,
    session: &Session,
    receipt: &str,
) -> Result<(Sale, Option<String>), OpError> {
    session.require(Permission::Sell)?;
    let row = pos::entry_by_receipt(node.store.conn(), receipt)?
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, receipt.trim()))?;
    let ledger_id = crate::store::queries::ledger_of_sale(node.store.conn(), &row.id)?
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, &row.receipt))?;
    let ledger_id: DocId = parse_id("ledger", &ledger_id)?;
    let sale = node
        .store
        .with_doc(ledger_id, ledger::read_ledger)?
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, &row.receipt))?
        .map_err(doc_error(ledger_id))?
        .sales
        .into_iter()
        .find(|s| s.id.to_string() == row.id)
        .ok_or_else(|| unknown("receipt", ErrorCode::UnknownSale, &row.receipt))?;
    let original = match &row.original_id {
        Some(id) => crate::store::queries::sale_receipt(node.store.conn(), id)?,
        None => None,
    };
    Ok((sale, original))
}

/// How a receipt is printed: an 80 mm PDF page, 48-column text, or the ESC/POS byte
/// stream of such a printer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptFormat {
    Pdf,
    Text,
    Escpos,
}

impl ReceiptFormat {
    pub fn parse(text: &str) -> Option<ReceiptFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(ReceiptFormat::Pdf),
            "text" => Some(ReceiptFormat::Text),
            "escpos" => Some(ReceiptFormat::Escpos),
            _ => None,
        }
    }

    /// The file name extension of a receipt in this format.
    pub fn extension(self) -> &'static str {
        match self {
            ReceiptFormat::Pdf => "pdf",
            ReceiptFormat::Text => "txt",
            ReceiptFormat::Escpos => "bin",
        }
    }
}

/// The receipt `receipt` (a sale, refund or void) in `format`: what `receipt print`
/// writes and what the window reprints, from one layout, in `locale` (else the clinic's
/// language). Each print is audited.
pub fn print_receipt(
    node: &mut Node,
    session: &Session,
    receipt: &str,
    format: ReceiptFormat,
    locale: Option<crate::i18n::Locale>,
) -> Result<Vec<u8>, super::documents::DocumentError> {
    use crate::print::receipt as layout;
    let (sale, original) = entry(node, session, receipt)?;
    let business = business(node)?;
    let clinic = node.clinic()?;
    let locale = locale
        .unwrap_or_else(|| crate::i18n::Locale::parse(&clinic.default_locale).unwrap_or_default());
    let rows = layout::layout(&business, &clinic.name, &sale, original.as_deref(), locale);
    let bytes = match format {
        ReceiptFormat::Text => layout::text(&rows).into_bytes(),
        ReceiptFormat::Escpos => layout::escpos(&rows),
        ReceiptFormat::Pdf => {
            crate::print::receipt_pdf(&rows).map_err(super::documents::DocumentError::Pdf)?
        }
    };
    super::audit::record(
        node,
        session,
        dermis_model::audit::AuditAction::Print,
        super::audit::other("sale", sale.id),
    )?;
    Ok(bytes)
}

/// What receipts print about the clinic.
pub fn business(node: &mut Node) -> Result<Business, OpError> {
    let id = node.clinic_doc_id();
    match node.store.with_doc(id, dermis_model::clinic::business)? {
        Some(b) => b.map_err(doc_error(id)),
        None => Err(OpError::NoClinic),
    }
}

/// The sales report of the UTC days `from..=to` (YYYY-MM-DD, checked by the caller).
pub fn sales_report(
    node: &mut Node,
    session: &Session,
    from: &str,
    to: &str,
) -> Result<report::SalesReport, OpError> {
    session.require(Permission::Sell)?;
    let sales = ledger_sales(node, Some((from, to)))?;
    Ok(report::sales_report(&sales, from, to, day_of))
}
