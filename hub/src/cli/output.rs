//! What the commands print on stdout: their one result, or an aligned table (nodes,
//! webhooks, admins, Calendly keys).

use dermis_model::Millis;

use crate::store::NodeInfo;
use crate::store::hooks::WebhookInfo;

/// Writes a result to stdout. A reader that went away (`| head`) is not an error.
pub(super) fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// `webhook list` as an aligned table.
pub fn webhook_table(hooks: &[WebhookInfo]) -> String {
    let mut rows = vec![["ID", "CLINIC", "EVENTS", "URL"].map(String::from)];
    for h in hooks {
        rows.push([
            h.id.to_string(),
            h.clinic_id.map_or_else(|| "all".into(), |c| c.to_string()),
            h.events.join(","),
            h.url.clone(),
        ]);
    }
    align(rows)
}

/// Rows as columns padded to their widest cell, two spaces apart.
pub(super) fn align<const N: usize>(rows: Vec<[String; N]>) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub(super) fn when(ms: Option<Millis>, now: Millis) -> String {
    match ms {
        None => "never".into(),
        Some(t) => {
            let ago = (now - t).max(0) / 1000;
            match ago {
                0..60 => format!("{ago}s ago"),
                60..3600 => format!("{}m ago", ago / 60),
                3600..86400 => format!("{}h ago", ago / 3600),
                _ => format!("{}d ago", ago / 86400),
            }
        }
    }
}

/// `node list` as an aligned table.
pub fn table(nodes: &[NodeInfo], now: Millis) -> String {
    let mut rows = vec![
        [
            "ID",
            "CLINIC",
            "NUMBER",
            "NAME",
            "STATUS",
            "ONLINE",
            "LAST SEEN",
            "VERSION",
            "CURSOR",
            "OUTBOX",
            "LAST ERROR",
        ]
        .map(String::from),
    ];
    for n in nodes {
        let outbox = if n.outbox_count == 0 {
            "empty".to_owned()
        } else {
            format!(
                "{} docs, {} B, oldest {}s",
                n.outbox_count,
                n.outbox_bytes,
                n.outbox_oldest_age_ms / 1000
            )
        };
        rows.push([
            n.id.to_string(),
            n.clinic_id.to_string(),
            format!("N{}", n.number),
            n.name.clone(),
            n.status.to_owned(),
            if n.online { "yes" } else { "no" }.to_owned(),
            when(n.last_seen_at, now),
            n.app_version.clone().unwrap_or_else(|| "-".into()),
            n.cursor.to_string(),
            outbox,
            n.last_error.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    align(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_table_aligns_and_says_never() {
        let node = NodeInfo {
            id: Uuid::nil(),
            clinic_id: Uuid::nil(),
            name: "Front desk".into(),
            enrolled_name: None,
            number: 3,
            status: "pending",
            online: false,
            created_at: 0,
            enrolled_at: None,
            last_seen_at: None,
            last_sync_at: None,
            app_version: None,
            cursor: 0,
            outbox_count: 0,
            outbox_bytes: 0,
            outbox_oldest_age_ms: 0,
            last_error: None,
            delivered_seq: 0,
            transport: None,
        };
        let text = table(&[node], 0);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains("N3") && lines[1].contains("never"));
        assert_eq!(lines[0].find("STATUS"), lines[1].find("pending"));
    }
}
