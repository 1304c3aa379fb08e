//! The sales journal's reads: a page of the entries (sales, refunds, voids) a search
//! matches, the totals of all it matches, and what opening one needs from the index.
//! Every read is index rows with a limit (a page of 50 out of 100,000 sales reads 50
//! sales' lines and payments); no ledger document is loaded here.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::StoreError;

/// Which entries: all of them, or those matching every part given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalQuery {
    /// A receipt number (`N1-000123`), its start (`N1-0001`) or its number alone (`123`,
    /// on any workstation). Searched across all dates: the dates below are not applied.
    pub receipt: Option<String>,
    /// Entries at or after this instant (unix ms).
    pub from_ms: Option<i64>,
    /// Entries before this instant (unix ms).
    pub to_ms: Option<i64>,
    /// Entries made to one of these patients (an empty list matches nothing).
    pub patients: Option<Vec<String>>,
    /// Entries with a line of one of these products (an empty list matches nothing).
    pub products: Option<Vec<String>>,
}

/// Where an entry stands: a sale and what was done to it since, or a refund or void.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Sale,
    PartlyRefunded,
    Refunded,
    Voided,
    /// A refund entry (of the sale `original_receipt` names).
    Refund,
    /// A void entry.
    Void,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Sale => "sale",
            EntryStatus::PartlyRefunded => "partly_refunded",
            EntryStatus::Refunded => "refunded",
            EntryStatus::Voided => "voided",
            EntryStatus::Refund => "refund",
            EntryStatus::Void => "void",
        }
    }
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct JournalRow {
    pub id: String,
    pub receipt: String,
    /// `sale`, `refund` or `void`.
    pub kind: String,
    pub at: i64,
    pub cashier: Option<String>,
    pub node_id: String,
    pub currency: String,
    pub total_minor: i64,
    pub patient_id: Option<String>,
    /// The linked patient's name and record number, when the index has the patient.
    pub patient: Option<(String, String)>,
    /// The lines' names and quantities, in the order sold.
    pub items: Vec<(String, i64)>,
    /// The payment methods, each once, in the order paid.
    pub methods: Vec<String>,
    pub status: EntryStatus,
    /// For a refund or void, the receipt of the sale it reverses.
    pub original_receipt: Option<String>,
    pub reason: Option<String>,
}

/// A payment method's takings: what came in less what went back (cash net of change).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MethodNet {
    pub method: String,
    pub net: i64,
}

/// The totals of every entry a query matches (not only the page shown).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct JournalTotals {
    pub entries: i64,
    pub sales_count: i64,
    pub refunds_count: i64,
    pub voids_count: i64,
    /// What the sales took (gross, before refunds and voids).
    pub sales: i64,
    pub refunds: i64,
    pub voids: i64,
    /// Sales less refunds and voids.
    pub net: i64,
    /// Cash, card and other, each present.
    pub by_method: Vec<MethodNet>,
}

/// `(?, ?, ?)` for `n` values.
fn placeholders(n: usize) -> String {
    let mut s = String::from("(");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('?');
    }
    s.push(')');
    s
}

/// The code that starts each workstation's receipt numbers (`N1` of `N1-000123`), one
/// receipt looked at per workstation: the node index is walked from one workstation to
/// the next rather than read whole.
fn receipt_codes(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE n(id) AS (
             SELECT min(node_id) FROM sales
             UNION ALL
             SELECT (SELECT min(node_id) FROM sales WHERE node_id > n.id) FROM n WHERE n.id IS NOT NULL
         )
         SELECT (SELECT receipt FROM sales WHERE node_id = n.id LIMIT 1) FROM n WHERE n.id IS NOT NULL",
    )?;
    let receipts = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
    let mut codes = Vec::new();
    for receipt in receipts {
        if let Some((code, _)) = receipt?.as_deref().and_then(|r| r.rsplit_once('-'))
            && !codes.iter().any(|c| c == code)
        {
            codes.push(code.to_owned());
        }
    }
    Ok(codes)
}

/// The receipt-number condition for what was typed, and its arguments.
fn receipt_condition(
    conn: &Connection,
    typed: &str,
) -> Result<Option<(String, Vec<Value>)>, StoreError> {
    let typed = typed.trim().to_uppercase();
    if typed.is_empty() {
        return Ok(None);
    }
    if typed.chars().all(|c| c.is_ascii_digit()) {
        // The number alone, on any workstation (`N1-000123`, `N2-000123`): each
        // workstation's receipt of that number, looked up in the receipt index.
        let n: u64 = typed.parse().unwrap_or(u64::MAX);
        let receipts: Vec<Value> = receipt_codes(conn)?
            .into_iter()
            .map(|code| Value::from(format!("{code}-{n:06}")))
            .collect();
        return Ok(Some((
            format!("s.receipt IN {}", placeholders(receipts.len())),
            receipts,
        )));
    }
    // A whole receipt number or its start, through the receipt index.
    let mut end = typed.clone();
    end.push(char::MAX);
    Ok(Some((
        "s.receipt >= ? AND s.receipt < ?".into(),
        vec![typed.into(), end.into()],
    )))
}

/// The `WHERE` of a query (over `sales s`) and its arguments.
fn filter(conn: &Connection, q: &JournalQuery) -> Result<(String, Vec<Value>), StoreError> {
    let mut sql = String::from("1 = 1");
    let mut args: Vec<Value> = Vec::new();
    let receipt = match q.receipt.as_deref() {
        Some(typed) => receipt_condition(conn, typed)?,
        None => None,
    };
    match receipt {
        Some((condition, values)) => {
            sql.push_str(" AND ");
            sql.push_str(&condition);
            args.extend(values);
        }
        None => {
            if let Some(from) = q.from_ms {
                sql.push_str(" AND s.at >= ?");
                args.push(from.into());
            }
            if let Some(to) = q.to_ms {
                sql.push_str(" AND s.at < ?");
                args.push(to.into());
            }
        }
    }
    if let Some(patients) = &q.patients {
        sql.push_str(&format!(
            " AND s.patient_id IN {}",
            placeholders(patients.len())
        ));
        args.extend(patients.iter().map(|p| Value::from(p.clone())));
    }
    if let Some(products) = &q.products {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id AND l.product_id IN {})",
            placeholders(products.len())
        ));
        args.extend(products.iter().map(|p| Value::from(p.clone())));
    }
    Ok((sql, args))
}

/// A page of the entries `q` matches, newest first.
pub fn journal_page(
    conn: &Connection,
    q: &JournalQuery,
    offset: usize,
    limit: usize,
) -> Result<Vec<JournalRow>, StoreError> {
    let (condition, mut args) = filter(conn, q)?;
    args.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
    args.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.receipt, s.kind, s.at, s.cashier, s.node_id, s.currency, s.total_minor,
                s.patient_id, s.original_id, s.reason
         FROM sales s WHERE {condition} ORDER BY s.at DESC, s.id DESC LIMIT ? OFFSET ?"
    ))?;
    let mut originals: Vec<Option<String>> = Vec::new();
    let mut rows = stmt
        .query_map(params_from_iter(args), |r| {
            Ok((
                JournalRow {
                    id: r.get(0)?,
                    receipt: r.get(1)?,
                    kind: r.get(2)?,
                    at: r.get(3)?,
                    cashier: r.get(4)?,
                    node_id: r.get(5)?,
                    currency: r.get(6)?,
                    total_minor: r.get(7)?,
                    patient_id: r.get(8)?,
                    patient: None,
                    items: Vec::new(),
                    methods: Vec::new(),
                    status: EntryStatus::Sale,
                    original_receipt: None,
                    reason: r.get(10)?,
                },
                r.get::<_, Option<String>>(9)?,
            ))
        })?
        .map(|row| {
            row.map(|(row, original)| {
                originals.push(original);
                row
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() {
        return Ok(rows);
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let at: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();

    let mut lines = conn.prepare(&format!(
        "SELECT sale_id, name, qty FROM sale_lines WHERE sale_id IN {} ORDER BY sale_id, idx",
        placeholders(ids.len())
    ))?;
    let found = lines.query_map(params_from_iter(ids.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut sold: HashMap<String, i64> = HashMap::new();
    for line in found {
        let (sale, name, qty) = line?;
        *sold.entry(sale.clone()).or_default() += qty;
        if let Some(&i) = at.get(sale.as_str()) {
            rows[i].items.push((name, qty));
        }
    }

    let mut pays = conn.prepare(&format!(
        "SELECT sale_id, method FROM sale_payments WHERE sale_id IN {} ORDER BY sale_id, idx",
        placeholders(ids.len())
    ))?;
    let found = pays.query_map(params_from_iter(ids.iter()), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for pay in found {
        let (sale, method) = pay?;
        if let Some(&i) = at.get(sale.as_str())
            && !rows[i].methods.contains(&method)
        {
            rows[i].methods.push(method);
        }
    }

    // What was done to the page's sales since: voided, or how many units refunded.
    let mut reversed = conn.prepare(&format!(
        "SELECT r.original_id, r.kind, COALESCE(SUM(l.qty), 0) FROM sales r
         LEFT JOIN sale_lines l ON l.sale_id = r.id
         WHERE r.original_id IN {} GROUP BY r.original_id, r.kind",
        placeholders(ids.len())
    ))?;
    let found = reversed.query_map(params_from_iter(ids.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut voided = std::collections::HashSet::new();
    let mut refunded: HashMap<String, i64> = HashMap::new();
    for row in found {
        let (original, kind, qty) = row?;
        match kind.as_str() {
            "void" => {
                voided.insert(original);
            }
            "refund" => *refunded.entry(original).or_default() += qty,
            _ => {}
        }
    }
    for row in rows.iter_mut() {
        row.status = match row.kind.as_str() {
            "refund" => EntryStatus::Refund,
            "void" => EntryStatus::Void,
            _ if voided.contains(&row.id) => EntryStatus::Voided,
            _ => match refunded.get(&row.id).copied().unwrap_or(0) {
                0 => EntryStatus::Sale,
                n if n >= sold.get(&row.id).copied().unwrap_or(0) => EntryStatus::Refunded,
                _ => EntryStatus::PartlyRefunded,
            },
        };
    }

    // The receipts refunds and voids reverse.
    let wanted: Vec<String> = originals.iter().flatten().cloned().collect();
    if !wanted.is_empty() {
        let receipts = receipts_of(conn, &wanted)?;
        for (row, original) in rows.iter_mut().zip(&originals) {
            row.original_receipt = original.as_ref().and_then(|o| receipts.get(o).cloned());
        }
    }

    // The linked patients' names.
    let mut patients: Vec<String> = rows.iter().filter_map(|r| r.patient_id.clone()).collect();
    patients.sort();
    patients.dedup();
    if !patients.is_empty() {
        let mut stmt = conn.prepare(&format!(
            "SELECT id, first_name, last_name, mrn FROM patients WHERE id IN {}",
            placeholders(patients.len())
        ))?;
        let found = stmt.query_map(params_from_iter(patients.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut names = HashMap::new();
        for p in found {
            let (id, first, last, mrn) = p?;
            names.insert(id, (format!("{first} {last}").trim().to_owned(), mrn));
        }
        for row in rows.iter_mut() {
            row.patient = row.patient_id.as_ref().and_then(|p| names.get(p).cloned());
        }
    }
    Ok(rows)
}

/// Receipt numbers by entry id.
fn receipts_of(conn: &Connection, ids: &[String]) -> Result<HashMap<String, String>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, receipt FROM sales WHERE id IN {}",
        placeholders(ids.len())
    ))?;
    let found = stmt.query_map(params_from_iter(ids.iter()), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    Ok(found.collect::<Result<_, _>>()?)
}

/// The totals of everything `q` matches: counts and amounts by kind, and each payment
/// method's net (sales in, refunds and voids out, cash net of change), as `report sales`
/// counts them.
pub fn journal_totals(conn: &Connection, q: &JournalQuery) -> Result<JournalTotals, StoreError> {
    let (condition, args) = filter(conn, q)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT count(*),
                count(CASE WHEN s.kind = 'sale' THEN 1 END),
                count(CASE WHEN s.kind = 'refund' THEN 1 END),
                count(CASE WHEN s.kind = 'void' THEN 1 END),
                COALESCE(SUM(CASE WHEN s.kind = 'sale' THEN s.total_minor END), 0),
                COALESCE(SUM(CASE WHEN s.kind = 'refund' THEN s.total_minor END), 0),
                COALESCE(SUM(CASE WHEN s.kind = 'void' THEN s.total_minor END), 0),
                COALESCE(SUM(CASE WHEN s.kind = 'sale' THEN -s.change_minor ELSE s.change_minor END), 0)
         FROM sales s WHERE {condition}"
    ))?;
    let (mut totals, change) = stmt.query_row(params_from_iter(args.iter()), |r| {
        Ok((
            JournalTotals {
                entries: r.get(0)?,
                sales_count: r.get(1)?,
                refunds_count: r.get(2)?,
                voids_count: r.get(3)?,
                sales: r.get(4)?,
                refunds: r.get(5)?,
                voids: r.get(6)?,
                net: 0,
                by_method: Vec::new(),
            },
            r.get::<_, i64>(7)?,
        ))
    })?;
    totals.net = totals.sales - totals.refunds - totals.voids;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.method, SUM(CASE WHEN s.kind = 'sale' THEN p.amount_minor ELSE -p.amount_minor END)
         FROM sales s JOIN sale_payments p ON p.sale_id = s.id
         WHERE {condition} GROUP BY p.method"
    ))?;
    let found = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut by: HashMap<String, i64> = found.collect::<Result<_, _>>()?;
    *by.entry("cash".into()).or_default() += change;
    for method in dermis_model::ledger::PaymentMethod::ALL {
        totals.by_method.push(MethodNet {
            method: method.as_str().to_owned(),
            net: by.remove(method.as_str()).unwrap_or(0),
        });
    }
    // A method this build does not know (written by a later one) still counts.
    let mut rest: Vec<(String, i64)> = by.into_iter().collect();
    rest.sort();
    totals.by_method.extend(
        rest.into_iter()
            .map(|(method, net)| MethodNet { method, net }),
    );
    Ok(totals)
}

/// Patients whose name or record number matches `typed` (with the records merged into
/// them, whose sales are theirs too), at most `limit` found by the search.
pub fn patients_matching(
    conn: &Connection,
    typed: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    // The search reads names and record numbers alike (`N1-P000123`).
    let mut ids: Vec<String> = super::queries::search_patients(conn, typed, limit)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if !ids.is_empty() {
        let mut stmt = conn.prepare(&format!(
            "SELECT id FROM patient_merges WHERE into_id IN {}",
            placeholders(ids.len())
        ))?;
        let merged = stmt
            .query_map(params_from_iter(ids.iter()), |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.extend(merged);
    }
    Ok(ids)
}

/// Products whose name or SKU contains `typed`, or whose barcode is `typed` (products no
/// longer sold included: their past sales are in the journal), at most `limit`.
pub fn products_matching(
    conn: &Connection,
    typed: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let typed = typed.trim();
    let pattern = format!("%{}%", typed.replace(['%', '_'], ""));
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM products WHERE name LIKE ?1 OR sku LIKE ?1 OR barcode = ?2
         ORDER BY name LIMIT ?3",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![pattern, typed, i64::try_from(limit).unwrap_or(i64::MAX)],
        |r| r.get::<_, String>(0),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The refunds and voids of a sale, oldest first: (id, receipt).
pub fn reversals_of(conn: &Connection, sale_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, receipt FROM sales WHERE original_id = ?1 ORDER BY at, id")?;
    let rows = stmt.query_map([sale_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The entry at `seq` in `node_id`'s receipt chain, as indexed: its id.
pub fn chain_entry(
    conn: &Connection,
    node_id: &str,
    seq: i64,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM sales WHERE node_id = ?1 AND chain_seq = ?2 LIMIT 1")?
        .query_row(rusqlite::params![node_id, seq], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const DAY: i64 = 86_400_000;
    const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00Z

    /// A store whose index holds `n` sales over a year (two lines each, paid by card or
    /// in cash with change, every tenth to a patient), every 50th refunded in part and
    /// every 70th voided: the rows a year of a busy till leaves.
    fn year_of_sales(n: usize) -> (tempfile::TempDir, crate::store::Store) {
        let dir = tempfile::tempdir().expect("temp");
        let store = crate::store::Store::create(&dir.path().join("store.db")).expect("store");
        let conn = store.conn();
        conn.execute_batch("BEGIN").expect("begin");
        {
            let mut sale = conn
                .prepare(
                    "INSERT INTO sales(id, ledger_id, receipt, kind, original_id, at, cashier, node_id, currency,
                       subtotal_minor, discount_minor, tax_minor, total_minor, change_minor, patient_id, chain_seq, reason)
                     VALUES (?1, 'l', ?2, ?3, ?4, ?5, 'Mia', 'node', 'EUR', ?6, 0, 0, ?6, ?7, ?8, ?9, ?10)",
                )
                .expect("sql");
            let mut line = conn
                .prepare(
                    "INSERT INTO sale_lines(sale_id, idx, product_id, sku, name, qty, unit_minor, discount_minor, tax_minor, total_minor, tax_bps)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1000, 0, 0, ?7, 2000)",
                )
                .expect("sql");
            let mut pay = conn
                .prepare("INSERT INTO sale_payments(sale_id, idx, method, amount_minor) VALUES (?1, ?2, ?3, ?4)")
                .expect("sql");
            let mut seq = 0i64;
            for i in 0..n {
                let at = START + (i as i64) * (365 * DAY) / n as i64;
                let id = format!("s{i:07}");
                let patient = (i % 10 == 0).then(|| format!("p{}", i % 500));
                let (card, change) = if i % 2 == 0 { (true, 0) } else { (false, 300) };
                seq += 1;
                sale.execute(rusqlite::params![
                    id,
                    format!("N1-{seq:06}"),
                    "sale",
                    None::<String>,
                    at,
                    3000,
                    change,
                    patient,
                    seq,
                    None::<String>
                ])
                .expect("sale");
                for (idx, product) in [(0, i % 40), (1, (i + 7) % 40)] {
                    line.execute(rusqlite::params![
                        id,
                        idx,
                        format!("prod{product}"),
                        format!("SKU{product}"),
                        format!("Cream {product}"),
                        1,
                        1000 + idx * 1000
                    ])
                    .expect("line");
                }
                if card {
                    pay.execute(rusqlite::params![id, 0, "card", 3000])
                        .expect("pay");
                } else {
                    pay.execute(rusqlite::params![id, 0, "cash", 3300])
                        .expect("pay");
                }
                let reversal = match i {
                    _ if i % 70 == 0 => Some(("void", 3000, change)),
                    _ if i % 50 == 0 => Some(("refund", 1000, 0)),
                    _ => None,
                };
                if let Some((kind, total, change)) = reversal {
                    seq += 1;
                    let rid = format!("r{i:07}");
                    sale.execute(rusqlite::params![
                        rid,
                        format!("N1-{seq:06}"),
                        kind,
                        id,
                        at + 60_000,
                        total,
                        change,
                        patient,
                        seq,
                        Some("damaged")
                    ])
                    .expect("reversal");
                    line.execute(rusqlite::params![
                        rid,
                        0,
                        format!("prod{}", i % 40),
                        format!("SKU{}", i % 40),
                        "Cream",
                        1,
                        1000
                    ])
                    .expect("line");
                    if kind == "void" {
                        line.execute(rusqlite::params![
                            rid,
                            1,
                            format!("prod{}", (i + 7) % 40),
                            "SKU",
                            "Cream",
                            1,
                            2000
                        ])
                        .expect("line");
                    }
                    let (method, amount) = if card {
                        ("card", total)
                    } else {
                        ("cash", total + change)
                    };
                    pay.execute(rusqlite::params![rid, 0, method, amount])
                        .expect("pay");
                }
            }
        }
        conn.execute_batch("COMMIT; ANALYZE").expect("commit");
        (dir, store)
    }

    fn timed<T>(what: &str, budget: Duration, f: impl Fn() -> T) -> T {
        f(); // a warm cache, as the window has after its first search
        let started = Instant::now();
        let out = f();
        let took = started.elapsed();
        eprintln!(
            "journal over 100,000 sales: {what}: {:.2} ms",
            took.as_secs_f64() * 1000.0
        );
        assert!(took < budget, "{what} took {took:?}, over {budget:?}");
        out
    }

    fn plan(conn: &Connection, q: &JournalQuery) -> String {
        let (condition, args) = filter(conn, q).expect("filter");
        let mut stmt = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT s.id FROM sales s WHERE {condition} ORDER BY s.at DESC, s.id DESC LIMIT 50"
            ))
            .expect("plan");
        let rows = stmt
            .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
            .expect("plan");
        rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn a_year_of_100k_sales_is_searched_through_the_indexes() {
        let (_dir, store) = year_of_sales(100_000);
        let conn = store.conn();
        let day = |d: i64| JournalQuery {
            from_ms: Some(START + d * DAY),
            to_ms: Some(START + (d + 1) * DAY),
            ..JournalQuery::default()
        };
        // A day: the page and its totals read that day's rows through the time index.
        let q = day(100);
        assert!(plan(conn, &q).contains("sales_at"), "{}", plan(conn, &q));
        let budget = Duration::from_millis(150);
        let rows = timed("a day's page", budget, || {
            journal_page(conn, &q, 0, 50).expect("page")
        });
        assert_eq!(rows.len(), 50);
        assert!(rows.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
        let totals = timed("a day's totals", budget, || {
            journal_totals(conn, &q).expect("totals")
        });
        assert!(totals.entries > 250 && totals.entries < 300, "{totals:?}");
        assert_eq!(
            totals.net,
            totals.sales - totals.refunds - totals.voids,
            "net is sales less refunds and voids"
        );
        let methods: i64 = totals.by_method.iter().map(|m| m.net).sum();
        assert_eq!(methods, totals.net, "the methods add up to the net");
        // The whole year's totals, and a deep page.
        let all = JournalQuery::default();
        let year = timed("the year's totals", Duration::from_millis(1500), || {
            journal_totals(conn, &all).expect("totals")
        });
        assert_eq!(year.sales_count, 100_000);
        assert_eq!(year.voids_count, 1429);
        timed("page 1,000 of the year", budget * 2, || {
            journal_page(conn, &all, 50_000, 50).expect("page")
        });
        // A receipt by its number alone; by its start through the receipt index.
        let by_number = JournalQuery {
            receipt: Some("1234".into()),
            ..JournalQuery::default()
        };
        assert!(
            plan(conn, &by_number).contains("sales_receipt"),
            "{}",
            plan(conn, &by_number)
        );
        let found = timed("a receipt by number", budget, || {
            journal_page(conn, &by_number, 0, 50).expect("page")
        });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].receipt, "N1-001234");
        let by_start = JournalQuery {
            receipt: Some("n1-00123".into()),
            ..JournalQuery::default()
        };
        assert!(
            plan(conn, &by_start).contains("sales_receipt"),
            "{}",
            plan(conn, &by_start)
        );
        assert_eq!(
            journal_page(conn, &by_start, 0, 50).expect("page").len(),
            10
        );
        // A patient's and a product's entries, over a day and over the year.
        let patient = JournalQuery {
            patients: Some(vec!["p0".into()]),
            ..JournalQuery::default()
        };
        let theirs = timed("a patient's year", budget, || {
            journal_page(conn, &patient, 0, 50).expect("page")
        });
        assert!(!theirs.is_empty());
        assert!(theirs.iter().all(|r| r.patient_id.as_deref() == Some("p0")));
        let product = JournalQuery {
            products: Some(vec!["prod3".into()]),
            ..day(100)
        };
        let with = timed("a product's day", budget, || {
            journal_page(conn, &product, 0, 50).expect("page")
        });
        assert!(!with.is_empty());
        assert!(with.iter().all(|r| {
            r.items
                .iter()
                .any(|(name, _)| name.ends_with(" 3") || name == "Cream")
        }));
        let product_year = JournalQuery {
            products: Some(vec!["prod3".into()]),
            ..JournalQuery::default()
        };
        timed(
            "a product's year (totals)",
            Duration::from_millis(1500),
            || journal_totals(conn, &product_year).expect("totals"),
        );
    }

    #[test]
    fn each_row_says_what_was_done_to_its_sale() {
        let (_dir, store) = year_of_sales(150);
        let conn = store.conn();
        let rows = journal_page(conn, &JournalQuery::default(), 0, 500).expect("page");
        let by = |receipt_of_id: &str| {
            rows.iter()
                .find(|r| r.id == receipt_of_id)
                .unwrap_or_else(|| panic!("{receipt_of_id}"))
        };
        assert_eq!(by("s0000000").status, EntryStatus::Voided, "0 is voided");
        assert_eq!(
            by("s0000050").status,
            EntryStatus::PartlyRefunded,
            "one of two units back"
        );
        assert_eq!(by("s0000001").status, EntryStatus::Sale);
        let void = by("r0000070");
        assert_eq!(void.status, EntryStatus::Void);
        assert_eq!(
            void.original_receipt.as_deref(),
            Some(by("s0000070").receipt.as_str())
        );
        assert_eq!(void.reason.as_deref(), Some("damaged"));
        assert_eq!(by("s0000001").methods, vec!["cash".to_owned()]);
        assert_eq!(
            by("s0000002").items,
            vec![("Cream 2".to_owned(), 1), ("Cream 9".to_owned(), 1)]
        );
        // The totals: cash is net of the change it gave.
        let totals = journal_totals(conn, &JournalQuery::default()).expect("totals");
        let cash = totals
            .by_method
            .iter()
            .find(|m| m.method == "cash")
            .expect("cash");
        let card = totals
            .by_method
            .iter()
            .find(|m| m.method == "card")
            .expect("card");
        assert_eq!(cash.net + card.net, totals.net);
        assert_eq!(totals.sales_count, 150);
    }
}
