//! A receipt laid out once as rows (left text, right-aligned amount), then written as
//! 48-column text, as an ESC/POS byte stream for an 80 mm printer, or as a PDF.

use dermis_model::clinic::Business;
use dermis_model::i18n::{Locale, Localizer, format_decimal};
use dermis_model::ledger::report::format_rate;
use dermis_model::ledger::{Sale, SaleKind};

/// Characters per line of an 80 mm receipt printer (Font A).
pub const COLUMNS: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    Plain,
    /// Centred (the clinic's heading).
    Center,
    /// The kind of receipt and the total: bold where the output can.
    Strong,
    /// A rule across the receipt.
    Rule,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Row {
    pub left: String,
    pub right: String,
    pub style: Style,
}

/// A plain row: text on the left, an amount on the right.
pub(crate) fn row(left: impl Into<String>, right: impl Into<String>) -> Row {
    Row {
        left: left.into(),
        right: right.into(),
        style: Style::Plain,
    }
}

pub(crate) fn styled(style: Style, left: impl Into<String>, right: impl Into<String>) -> Row {
    Row {
        left: left.into(),
        right: right.into(),
        style,
    }
}

fn rule() -> Row {
    styled(Style::Rule, "", "")
}

/// The UTC date and time of an instant, as printed: `2026-12-06 14:05 UTC`.
pub fn format_time(at: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{} {:02}:{:02} UTC",
        dermis_model::validate::format_date(t.date()),
        t.hour(),
        t.minute()
    )
}

/// What a receipt shows, in order, in `locale` (amounts with its decimal mark).
/// `original` is the receipt a refund or void reverses.
pub fn layout(
    business: &Business,
    clinic_name: &str,
    sale: &Sale,
    original: Option<&str>,
    locale: Locale,
) -> Vec<Row> {
    let tr = Localizer::new();
    let t = |id: &str| tr.t(locale, id);
    let t1 = |id: &str, name: &str, value: &str| tr.t_args(locale, id, &[(name, value.into())]);
    let exp = sale.currency.exponent();
    // Printers and 48 columns take a plain space where the locale groups with a narrow one.
    let money =
        |minor: i64| format_decimal(minor, exp, locale).replace(['\u{202f}', '\u{a0}'], " ");
    // A rate's decimal mark is the locale's too: "5,5%" in French.
    let mark = format_decimal(1, 1, locale).chars().nth(1).unwrap_or('.');
    let rate = |bps: u32| format_rate(bps).replace('.', &mark.to_string());
    let mut rows = Vec::new();
    let name = if business.legal_name.is_empty() {
        clinic_name
    } else {
        &business.legal_name
    };
    rows.push(styled(Style::Center, name, ""));
    for line in business.address.lines().filter(|l| !l.trim().is_empty()) {
        rows.push(styled(Style::Center, line.trim(), ""));
    }
    if !business.tax_id.is_empty() {
        rows.push(styled(
            Style::Center,
            t1("rcpt-tax-id", "id", &business.tax_id),
            "",
        ));
    }
    if !business.phone.is_empty() {
        rows.push(styled(
            Style::Center,
            t1("rcpt-phone", "phone", &business.phone),
            "",
        ));
    }
    rows.push(rule());
    let original = original.unwrap_or("?");
    let (title, sign) = match sale.kind {
        SaleKind::Sale => (t("rcpt-sale"), 1),
        SaleKind::Refund => (t1("rcpt-refund-of", "receipt", original), -1),
        SaleKind::Void => (t1("rcpt-void-of", "receipt", original), -1),
    };
    rows.push(styled(Style::Strong, title, ""));
    rows.push(row(t1("rcpt-number", "receipt", &sale.receipt), ""));
    rows.push(row(format_time(sale.at), ""));
    if let Some(cashier) = &sale.cashier {
        rows.push(row(t1("rcpt-cashier", "name", cashier), ""));
    }
    rows.push(rule());
    for l in &sale.lines {
        rows.push(row(l.name.clone(), ""));
        rows.push(row(
            format!("  {} x {}  {}", l.qty, money(l.unit_minor), l.sku),
            money(sign * l.qty * l.unit_minor),
        ));
        if l.discount_minor != 0 {
            rows.push(row(
                format!("  {}", t("rcpt-discount")),
                money(-sign * l.discount_minor),
            ));
        }
    }
    rows.push(rule());
    rows.push(row(t("rcpt-subtotal"), money(sign * sale.subtotal_minor)));
    if sale.discount_minor != 0 {
        rows.push(row(t("rcpt-discounts"), money(-sign * sale.discount_minor)));
    }
    let total_label = match sale.kind {
        SaleKind::Sale => t("rcpt-total"),
        SaleKind::Refund => t("rcpt-total-refunded"),
        SaleKind::Void => t("rcpt-total-voided"),
    };
    rows.push(styled(
        Style::Strong,
        total_label,
        format!(
            "{} {}",
            sale.currency.code(),
            money(sign * sale.total_minor)
        ),
    ));
    let mut rates: Vec<(u32, i64, i64)> = Vec::new();
    for l in &sale.lines {
        match rates.iter_mut().find(|r| r.0 == l.tax_bps) {
            Some(r) => {
                r.1 += l.total_minor;
                r.2 += l.tax_minor;
            }
            None => rates.push((l.tax_bps, l.total_minor, l.tax_minor)),
        }
    }
    rates.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (bps, gross, tax) in rates {
        let label = tr.t_args(
            locale,
            "rcpt-tax-of",
            &[
                ("rate", rate(bps).into()),
                ("amount", money(sign * gross).into()),
            ],
        );
        rows.push(row(label, money(sign * tax)));
    }
    rows.push(rule());
    for p in &sale.payments {
        let method = match p.method.as_str() {
            "cash" => "cash",
            "card" => "card",
            _ => "other",
        };
        let label = if sale.kind == SaleKind::Sale {
            t(&format!("rcpt-paid-{method}"))
        } else {
            t(&format!("rcpt-returned-{method}"))
        };
        rows.push(row(label, money(sign * p.amount_minor)));
    }
    if sale.change_minor != 0 {
        let label = if sale.kind == SaleKind::Sale {
            t("rcpt-change")
        } else {
            t("rcpt-change-back")
        };
        rows.push(row(label, money(sign * -sale.change_minor)));
    }
    if let Some(link) = &sale.chain {
        rows.push(rule());
        rows.push(row(
            format!("#{} {}", link.seq, &link.hash[..16.min(link.hash.len())]),
            "",
        ));
    }
    rows
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut into pieces of at most `max` characters, at spaces where it can.
fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let mut word = word.to_owned();
        while width(&word) > max {
            let head: String = word.chars().take(max).collect();
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(head);
            word = word.chars().skip(max).collect();
        }
        let needed = if line.is_empty() {
            width(&word)
        } else {
            width(&line) + 1 + width(&word)
        };
        if needed > max && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The rows as lines of at most [`COLUMNS`] characters.
pub fn text_lines(rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for r in rows {
        match r.style {
            Style::Rule => out.push("-".repeat(COLUMNS)),
            Style::Center => {
                for piece in wrap(&r.left, COLUMNS) {
                    let pad = (COLUMNS - width(&piece)) / 2;
                    out.push(format!("{}{piece}", " ".repeat(pad)));
                }
            }
            Style::Plain | Style::Strong => {
                let right = width(&r.right);
                let mut pieces = wrap(&r.left, COLUMNS);
                let last = pieces.pop().unwrap_or_default();
                out.extend(pieces);
                if right == 0 {
                    out.push(last);
                } else if width(&last) + 1 + right <= COLUMNS {
                    let gap = COLUMNS - width(&last) - right;
                    out.push(format!("{last}{}{}", " ".repeat(gap), r.right));
                } else {
                    out.push(last);
                    out.push(format!(
                        "{}{}",
                        " ".repeat(COLUMNS - right.min(COLUMNS)),
                        r.right
                    ));
                }
            }
        }
    }
    out
}

pub fn text(rows: &[Row]) -> String {
    let mut s = text_lines(rows).join("\n");
    s.push('\n');
    s
}

/// A character in code page 866 (Cyrillic), which ESC/POS printers carry: ASCII as is,
/// Russian and most Ukrainian letters mapped.
fn cp866(c: char) -> Option<u8> {
    let u = c as u32;
    Some(match c {
        _ if c.is_ascii() => u as u8,
        'А'..='П' => (u - 0x410 + 0x80) as u8,
        'Р'..='Я' => (u - 0x420 + 0x90) as u8,
        'а'..='п' => (u - 0x430 + 0xA0) as u8,
        'р'..='я' => (u - 0x440 + 0xE0) as u8,
        'Ё' => 0xF0,
        'ё' => 0xF1,
        'Є' => 0xF2,
        'є' => 0xF3,
        'Ї' => 0xF4,
        'ї' => 0xF5,
        'І' => b'I',
        'і' => b'i',
        _ => return None,
    })
}

/// A character in Windows-1252 (Western European, with €), which ESC/POS printers also
/// carry: French and Spanish letters, and the typographic marks of Latin-1.
fn cp1252(c: char) -> Option<u8> {
    let u = c as u32;
    Some(match c {
        _ if c.is_ascii() => u as u8,
        '\u{a0}'..='\u{ff}' => u as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        // A narrow no-break space (French grouping) prints as a space.
        '\u{202f}' => b' ',
        _ => return None,
    })
}

/// How one code page writes a character, if it carries it.
type Encoder = fn(char) -> Option<u8>;

/// The printer's code pages a line may use, with their `ESC t` numbers (Epson's table).
const CODE_PAGES: [(u8, Encoder); 2] = [(17, cp866), (16, cp1252)];

/// A line in the code page that prints most of it (all of it, for Russian, Ukrainian,
/// French or Spanish text), staying in `current` when that prints all of it (a line of
/// digits needs no switch); what no page carries (Armenian) prints as `?`.
fn encode_line(line: &str, current: Option<u8>) -> (u8, Vec<u8>) {
    let fits =
        |encode: fn(char) -> Option<u8>| line.chars().filter(|c| encode(*c).is_some()).count();
    let whole = line.chars().count();
    let (page, encode) = CODE_PAGES
        .iter()
        .copied()
        .find(|(page, encode)| Some(*page) == current && fits(*encode) == whole)
        .or_else(|| {
            CODE_PAGES
                .iter()
                .copied()
                .rev()
                .max_by_key(|(_, e)| fits(*e))
        })
        .unwrap_or(CODE_PAGES[0]);
    (
        page,
        line.chars().map(|c| encode(c).unwrap_or(b'?')).collect(),
    )
}

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;

/// The receipt as an ESC/POS byte stream: initialise (ESC @), each 48-column line in the
/// code page that prints it (ESC t, switched only when a line needs another one),
/// headings bold, then feed and cut (GS V).
pub fn escpos(rows: &[Row]) -> Vec<u8> {
    let mut out = vec![ESC, b'@'];
    let mut current = None;
    for r in rows {
        let strong = r.style == Style::Strong;
        if strong {
            out.extend([ESC, b'E', 1]);
        }
        for line in text_lines(std::slice::from_ref(r)) {
            let (page, bytes) = encode_line(&line, current);
            if current != Some(page) {
                out.extend([ESC, b't', page]);
                current = Some(page);
            }
            out.extend(bytes);
            out.push(b'\n');
        }
        if strong {
            out.extend([ESC, b'E', 0]);
        }
    }
    out.extend([ESC, b'd', 4]);
    out.extend([GS, b'V', 66, 0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_and_amounts_stay_within_the_columns() {
        let rows = vec![
            row("x".repeat(100), "12.50"),
            row(
                "Крем для лица увлажняющий с гиалуроновой кислотой, 50 мл",
                "1234567.89",
            ),
            styled(Style::Center, "Մաշկաբանական կլինիկա «Առողջ մաշկ» ՍՊԸ", ""),
        ];
        for line in text_lines(&rows) {
            assert!(width(&line) <= COLUMNS, "{line:?}");
        }
    }

    #[test]
    fn each_line_prints_in_the_code_page_that_carries_it() {
        let bytes = escpos(&[
            row("Crème hydratante — 50 ml", "12,50"),
            row("Крем для лица", "1,00"),
            row("1 x 9,90", "9,90"),
            row("Protector solar niño", "9,90"),
        ]);
        let at = |needle: &[u8]| bytes.windows(needle.len()).position(|w| w == needle);
        let french = at(&[ESC, b't', 16]).expect("Windows-1252 for French");
        let russian = at(&[ESC, b't', 17]).expect("866 for Russian");
        assert!(french < russian, "switched per line");
        assert!(
            at(b"Cr\xE8me hydratante \x97 50 ml").is_some(),
            "è and the dash"
        );
        assert!(at(&[0x8A, 0xE0, 0xA5, 0xAC]).is_some(), "Крем in CP866");
        assert!(at(b"ni\xF1o").is_some(), "ñ");
        let switches = bytes.windows(2).filter(|w| *w == [ESC, b't']).count();
        assert_eq!(switches, 3, "one switch per change of script");
        // Armenian has no code page: it prints as question marks, not as garbage.
        let (_, armenian) = encode_line("Կրեմ 1", None);
        assert_eq!(armenian, b"???? 1");
    }

    #[test]
    fn escpos_starts_with_init_and_ends_with_a_cut() {
        let bytes = escpos(&[row("Крем", "1.00")]);
        assert_eq!(&bytes[..2], &[ESC, b'@']);
        assert_eq!(&bytes[bytes.len() - 4..], &[GS, b'V', 66, 0]);
        assert!(
            bytes.windows(4).any(|w| w == [0x8A, 0xE0, 0xA5, 0xAC]),
            "Крем in CP866"
        );
    }
}
