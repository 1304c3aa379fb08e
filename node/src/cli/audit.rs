//! `audit list`: the trail, for administrators.

use super::CliError;
use super::args::AuditCmd;
use super::out::outln;
use super::print;
use crate::node::{Node, Session};
use crate::ops::{self, parse_id};
use crate::store::audit::AuditFilter;

pub fn run(node: &Node, session: &Session, cmd: AuditCmd) -> Result<(), CliError> {
    let AuditCmd::List {
        patient,
        user,
        from,
        limit,
        json,
    } = cmd;
    let patient = patient
        .map(|p| parse_id::<dermis_model::PatientId>("patient", &p))
        .transpose()?
        .map(|p| p.to_string());
    let from_ms = from.map(|day| day_start_ms(&day)).transpose()?;
    let filter = AuditFilter {
        patient,
        user,
        from_ms,
        limit: limit.clamp(1, 100_000),
    };
    let rows = ops::audit::list(node, session, &filter)?;
    if json {
        print::json(&rows);
    } else {
        for r in &rows {
            let reason = r
                .reason
                .as_deref()
                .map(|why| format!("  reason: {why}"))
                .unwrap_or_default();
            outln!(
                "{}  {:<16} {:<15} {:<12} {}  node {}{reason}",
                r.at,
                r.user,
                r.action,
                r.target_kind,
                r.target,
                r.node
            );
        }
    }
    Ok(())
}

/// The first millisecond (UTC) of a YYYY-MM-DD day; invalid input names `from`.
fn day_start_ms(day: &str) -> Result<i64, CliError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day.trim(), &format).map_err(|_| CliError::Usage {
        field: "from".into(),
        message: format!("{:?} is not a date (YYYY-MM-DD)", day.trim()),
    })?;
    let start = date.midnight().assume_utc().unix_timestamp();
    Ok(start.saturating_mul(1000))
}
