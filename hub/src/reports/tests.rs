use time::macros::date;

use super::*;

fn day(day: &str, currency: &str, net: i64) -> SalesDay {
    SalesDay {
        day: day.into(),
        currency: currency.into(),
        sales: 2,
        refunds: 1,
        voids: 0,
        gross_minor: net + 500,
        refunds_minor: 500,
        voids_minor: 0,
        net_minor: net,
        tax_minor: net / 6,
        by_method: vec![("card".into(), net - 1000), ("cash".into(), 1000)],
        by_tax_rate: vec![(2000, net - 300, net / 6 - 50), (550, 300, 50)],
    }
}

#[test]
fn a_period_is_whole_days_both_ends_included_and_bounded() {
    let today = date!(2026 - 12 - 06);
    let p = Period::parse(None, None, today).unwrap();
    assert_eq!((p.from, p.to), (date!(2026 - 12 - 01), today));
    let p = Period::parse(Some("2026-11-03"), Some(" 2026-11-03 "), today).unwrap();
    assert_eq!(p.days(), 1);
    let (from, to) = p.millis();
    assert_eq!(to - from, 86_400_000);
    assert_eq!(
        Period::parse(Some("2026-13-01"), None, today),
        Err(PeriodError::NotADate { field: "from" })
    );
    assert_eq!(
        Period::parse(None, Some("yesterday"), today).map_err(|e| e.field()),
        Err("to")
    );
    assert_eq!(
        Period::parse(Some("2026-12-02"), Some("2026-12-01"), today),
        Err(PeriodError::Reversed)
    );
    assert!(Period::parse(Some("2024-01-01"), Some("2024-12-31"), today).is_ok());
    assert_eq!(
        Period::parse(Some("2024-01-01"), Some("2025-01-01"), today),
        Err(PeriodError::TooLong)
    );
}

#[test]
fn presets_cover_the_expected_days() {
    let sunday = date!(2026 - 12 - 06);
    let week = Period::preset("this-week", sunday).unwrap();
    assert_eq!((week.from, week.to), (date!(2026 - 11 - 30), sunday));
    let last = Period::preset("last-month", date!(2026 - 03 - 15)).unwrap();
    assert_eq!(
        (last.from, last.to),
        (date!(2026 - 02 - 01), date!(2026 - 02 - 28))
    );
    let january = Period::preset("last-month", date!(2027 - 01 - 02)).unwrap();
    assert_eq!(january.iso(), ("2026-12-01".into(), "2026-12-31".into()));
    assert_eq!(Period::preset("today", sunday).unwrap().days(), 1);
    assert_eq!(
        Period::preset("yesterday", sunday),
        Err(PeriodError::UnknownPreset)
    );
}

#[test]
fn totals_are_kept_apart_per_currency() {
    let days = [
        day("2026-12-01", "EUR", 10_000),
        day("2026-12-02", "EUR", 6_000),
        day("2026-12-02", "AMD", 50_000),
    ];
    let totals = sales_totals(&days);
    assert_eq!(totals.len(), 2);
    assert_eq!(totals[0].currency, "AMD");
    assert_eq!(totals[1].net_minor, 16_000);
    assert_eq!(totals[1].sales, 4);
    let methods = by_method(&days);
    assert_eq!(
        methods,
        vec![
            ("AMD".into(), "cash".into(), 1000),
            ("AMD".into(), "card".into(), 49_000),
            ("EUR".into(), "cash".into(), 2000),
            ("EUR".into(), "card".into(), 14_000),
        ]
    );
    let rates = by_tax_rate(&days);
    assert_eq!(rates[2], ("EUR".into(), 2000, 15_400, 1616 + 950));
    assert_eq!(rates[3], ("EUR".into(), 550, 600, 100));
}

fn stock(sku: &str, on_hand: i64, price: Option<i64>) -> StockRecord {
    StockRecord {
        sku: sku.into(),
        product_id: None,
        name: Some(format!("{sku} name")),
        on_hand,
        reorder_level: None,
        price_minor: price,
        currency: price.map(|_| "EUR".into()),
    }
}

#[test]
fn stock_below_zero_is_flagged_and_never_counted_as_value() {
    let (rows, totals) = stock_valuation(&[
        stock("A", 3, Some(1890)),
        stock("B", -2, Some(1000)),
        stock("C", 5, None),
    ]);
    assert_eq!(rows[0].value_minor, Some(5670));
    assert_eq!(rows[1].value_minor, None);
    assert_eq!(rows[2].value_minor, None);
    assert_eq!(totals, vec![("EUR".into(), 5670)]);
}

#[test]
fn csv_amounts_are_decimal_in_the_currency_units() {
    assert_eq!(csv::amount(123_450, "EUR"), "1234.50");
    assert_eq!(csv::amount(-700, "EUR"), "-7.00");
    assert_eq!(csv::amount(-5, "USD"), "-0.05");
    assert_eq!(csv::amount(1500, "JPY"), "1500");
    assert_eq!(rate_text(550), "5.50");
}

/// A minimal RFC 4180 reader, to read the files back as a spreadsheet would.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(cell.is_empty() && row.is_empty(), "the file ends with CRLF");
    rows
}

#[test]
fn the_sales_file_has_a_column_per_method_and_tax_rate() {
    let days = [
        day("2026-12-01", "EUR", 10_000),
        day("2026-12-02", "EUR", 6_000),
    ];
    let text = csv::sales(&days);
    assert!(text.ends_with("\r\n"));
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0],
        [
            "date",
            "currency",
            "sales",
            "refunds",
            "voids",
            "gross",
            "refunded",
            "voided",
            "net",
            "tax",
            "cash",
            "card",
            "other",
            "taxable_20.00",
            "tax_20.00",
            "taxable_5.50",
            "tax_5.50"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        [
            "2026-12-01",
            "EUR",
            "2",
            "1",
            "0",
            "105.00",
            "5.00",
            "0.00",
            "100.00",
            "16.66",
            "10.00",
            "90.00",
            "0.00",
            "97.00",
            "16.16",
            "3.00",
            "0.50"
        ]
    );
    let net: i64 = rows[1..]
        .iter()
        .map(|r| r[8].replace('.', "").parse::<i64>().unwrap())
        .sum();
    assert_eq!(net, 16_000);
}

#[test]
fn text_a_spreadsheet_would_run_is_kept_as_text() {
    let mut evil = stock("=HYPERLINK(\"http://x\",\"y\")", -1, Some(100));
    evil.name = Some("+1, \"quoted\"\nline".into());
    let (rows, _) = stock_valuation(&[evil]);
    let text = csv::stock(&rows);
    let parsed = parse_csv(&text);
    assert_eq!(parsed[1][0], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(parsed[1][1], "'+1, \"quoted\"\nline");
    assert_eq!(parsed[1][2], "-1", "numbers are never prefixed");
    assert_eq!(parsed[1][6], "true");
    let visits = csv::visits(&[ClinicianVisits {
        clinician: "@doc".into(),
        clinician_id: None,
        visits: 3,
        signed: 2,
    }]);
    assert_eq!(parse_csv(&visits)[1], ["'@doc", "", "3", "2"]);
}
