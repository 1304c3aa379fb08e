//! `shift`, `receipt print`, `sale verify`, `report sales` and `clinic set --tax-rate`.

use dermis_model::Money;
use dermis_model::i18n::Locale;
use dermis_model::ledger::{ChainReport, ShiftEventKind, ShiftReport};
use dermis_model::money::format_minor;

use super::CliError;
use super::args::{ReceiptCmd, ReportCmd, ShiftCmd};
use super::out::{out, outln};
use super::print;
use super::run::usage;
use crate::node::{Node, OpError, Session};
use crate::ops;
use crate::print::receipt;

/// `CLASS=PERCENT` → (class, basis points).
pub fn parse_tax_rate(raw: &str) -> Result<(String, u32), CliError> {
    let bad = || {
        usage(
            "tax-rate",
            format!("{raw:?} should be CLASS=PERCENT, e.g. standard=20"),
        )
    };
    let (class, rate) = raw.split_once('=').ok_or_else(bad)?;
    let class = class.trim().to_lowercase();
    let bps = dermis_model::money::parse_minor(rate.trim().trim_end_matches('%'), 2)
        .map_err(|_| bad())?;
    if class.is_empty() || !(0..=10_000).contains(&bps) {
        return Err(usage(
            "tax-rate",
            format!("{raw:?}: the rate must be 0 to 100 percent"),
        ));
    }
    Ok((class, u32::try_from(bps).map_err(|_| bad())?))
}

fn amount(node: &mut Node, field: &str, raw: &str) -> Result<i64, CliError> {
    let currency = node.clinic()?.currency;
    Money::parse(raw, currency)
        .map(|m| m.minor)
        .map_err(|e| usage(field, e.to_string()))
}

pub fn shift(node: &mut Node, session: &Session, cmd: ShiftCmd) -> Result<(), CliError> {
    match cmd {
        ShiftCmd::Open { float } => {
            let float = amount(node, "float", &float)?;
            outln!("{}", ops::shifts::open(node, session, float)?);
        }
        ShiftCmd::PayIn { amount: a, reason } => {
            let a = amount(node, "amount", &a)?;
            ops::shifts::pay(node, session, ShiftEventKind::PayIn, a, &reason)?;
        }
        ShiftCmd::PayOut { amount: a, reason } => {
            let a = amount(node, "amount", &a)?;
            ops::shifts::pay(node, session, ShiftEventKind::PayOut, a, &reason)?;
        }
        ShiftCmd::Report { json } => {
            let report = ops::shifts::x_report(node, session)?;
            show_shift(node, &report, json)?;
        }
        ShiftCmd::Close { counted, json } => {
            let counted = amount(node, "counted", &counted)?;
            let report = ops::shifts::close(node, session, counted)?;
            show_shift(node, &report, json)?;
        }
    }
    Ok(())
}

fn show_shift(node: &mut Node, r: &ShiftReport, json: bool) -> Result<(), CliError> {
    let currency = node.clinic()?.currency;
    if json {
        let mut value = serde_json::to_value(r).map_err(|e| CliError::Other(e.to_string()))?;
        value["currency"] = serde_json::json!(currency.code());
        print::json(&value);
        return Ok(());
    }
    let m = |minor: i64| {
        format!(
            "{} {}",
            format_minor(minor, currency.exponent()),
            currency.code()
        )
    };
    let title = if r.report == "z" {
        "Z report"
    } else {
        "X report"
    };
    outln!("{title}  shift {}", r.shift_id);
    outln!("  opened            {}", receipt::format_time(r.opened_at));
    if let Some(at) = r.closed_at {
        outln!("  closed            {}", receipt::format_time(at));
    }
    outln!(
        "  receipts          {} .. {}",
        r.first_receipt.as_deref().unwrap_or("-"),
        r.last_receipt.as_deref().unwrap_or("-")
    );
    outln!(
        "  sales / refunds / voids  {} / {} / {}",
        r.sales_count,
        r.refunds_count,
        r.voids_count
    );
    outln!("  opening float     {:>16}", m(r.opening_float));
    outln!("  cash sales        {:>16}", m(r.cash_sales));
    outln!("  cash refunds      {:>16}", m(-r.cash_refunds));
    outln!("  pay-ins           {:>16}", m(r.pay_ins));
    outln!("  pay-outs          {:>16}", m(-r.pay_outs));
    outln!("  expected cash     {:>16}", m(r.expected_cash));
    if let (Some(c), Some(d)) = (r.counted_cash, r.difference) {
        outln!("  counted cash      {:>16}", m(c));
        outln!("  difference        {:>16}", m(d));
    }
    for t in &r.by_method {
        outln!("  {:<17} {:>16}", t.method.as_str(), m(t.net));
    }
    for t in &r.tax_by_rate {
        outln!(
            "  tax {:<13} {:>16}  on {}",
            dermis_model::ledger::report::format_rate(t.rate_bps),
            m(t.tax),
            m(t.gross)
        );
    }
    Ok(())
}

/// Prints a receipt in `locale` (the global `--locale`), else the clinic's language.
pub fn receipt(
    node: &mut Node,
    session: &Session,
    cmd: ReceiptCmd,
    locale: Option<&str>,
) -> Result<(), CliError> {
    let ReceiptCmd::Print {
        receipt: number,
        format,
        out: path,
    } = cmd;
    let format = ops::till::ReceiptFormat::parse(&format)
        .ok_or_else(|| usage("format", "format must be pdf, text or escpos"))?;
    let locale = match locale.filter(|l| !l.trim().is_empty()) {
        Some(code) => Some(Locale::parse(code).map_err(|e| usage("locale", e.to_string()))?),
        None => None,
    };
    let bytes =
        ops::till::print_receipt(node, session, &number, format, locale).map_err(|e| match e {
            ops::documents::DocumentError::Op(op) => CliError::from(op),
            ops::documents::DocumentError::Pdf(e) => {
                CliError::Other(format!("cannot make the PDF: {e}"))
            }
        })?;
    std::fs::write(&path, bytes)
        .map_err(|e| CliError::Other(format!("cannot write {}: {e}", path.display())))?;
    Ok(())
}

pub fn verify(node: &mut Node, session: &Session, json: bool) -> Result<(), CliError> {
    let reports = ops::till::verify(node, session)?;
    if json {
        let nodes: Vec<serde_json::Value> = reports.iter().map(chain_json).collect();
        print::json(&serde_json::json!({
            "intact": reports.iter().all(|r| r.intact),
            "nodes": nodes,
        }));
    } else {
        for r in &reports {
            outln!(
                "{}  {}  {} chained, {} legacy (unchained, before receipts were chained)  {} .. {}",
                r.node_id,
                if r.intact { "intact" } else { "BROKEN" },
                r.chained,
                r.legacy,
                r.first_receipt.as_deref().unwrap_or("-"),
                r.last_receipt.as_deref().unwrap_or("-")
            );
        }
    }
    match reports.iter().find_map(|r| r.broken.as_ref()) {
        Some(b) => Err(CliError::Other(format!(
            "the receipt chain is broken at {} ({})",
            b.receipt,
            serde_json::to_value(b.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ))),
        None => Ok(()),
    }
}

fn chain_json(r: &ChainReport) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    // Entries written before receipts were chained are read, not failed.
    v["legacy_prefix"] = serde_json::json!(r.legacy > 0);
    v
}

pub fn report(node: &mut Node, session: &Session, cmd: ReportCmd) -> Result<(), CliError> {
    let ReportCmd::Sales {
        from,
        to,
        json,
        csv,
    } = cmd;
    let mut e = dermis_model::ValidationErrors::default();
    let from_date = dermis_model::validate::date_field(&mut e, "from", &from);
    let to_date = dermis_model::validate::date_field(&mut e, "to", &to);
    e.into_result(()).map_err(OpError::from)?;
    let (Some(from_date), Some(to_date)) = (from_date, to_date) else {
        return Err(usage("from", "from and to must be dates, YYYY-MM-DD"));
    };
    if to_date < from_date {
        return Err(usage("to", "to must not be before from"));
    }
    let (from, to) = (
        dermis_model::validate::format_date(from_date),
        dermis_model::validate::format_date(to_date),
    );
    let report = ops::till::sales_report(node, session, &from, &to)?;
    if json {
        print::json(&report);
    } else if csv {
        out!("{}", dermis_model::ledger::report::sales_csv(&report));
    } else {
        let currency = node.clinic()?.currency;
        let m = |minor: i64| format_minor(minor, currency.exponent());
        outln!("day         sales  refunds  voids          net          tax");
        for d in report.days.iter().chain(std::iter::once(&report.total)) {
            outln!(
                "{:<10} {:>6} {:>8} {:>6} {:>12} {:>12}",
                d.day,
                d.sales_count,
                d.refunds_count,
                d.voids_count,
                m(d.net),
                m(d.tax)
            );
        }
    }
    Ok(())
}
