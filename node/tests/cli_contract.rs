//! The command line's contract, with the real binary: outputs, exit codes (0 ok, 2 bad
//! input naming the field with nothing written, 1 other errors) and refusal to touch
//! files that are not Dermis stores.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use common::{init, ok, run, status_json, stderr, stdout};

#[test]
fn a_walk_through_of_the_main_commands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let id = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Élodie",
            "--last-name",
            "Müller",
            "--birth-date",
            "1984-03-09",
            "--sex",
            "f",
            "--phone",
            "+33 6 12 34 56 78",
            "--email",
            "elodie@example.fr",
        ],
    );
    assert!(
        uuid::Uuid::parse_str(&id).is_ok(),
        "patient add prints the id alone: {id:?}"
    );
    ok(
        d,
        &["patient", "update", &id, "--email", "e.muller@example.fr"],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(d, &["patient", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["email"], "e.muller@example.fr");
    assert_eq!(
        shown["first_name"], "Élodie",
        "update keeps the fields it was not given"
    );
    assert_eq!(shown["birth_date"], "1984-03-09");

    let enc = ok(
        d,
        &[
            "encounter",
            "add",
            "--patient",
            &id,
            "--complaint",
            "Itchy plaques",
            "--subjective",
            "Two weeks",
            "--plan",
            "Steroid cream",
            "--diagnosis",
            "L40.0",
            "--diagnosis",
            "l209",
        ],
    );
    ok(d, &["encounter", "sign", &enc]);
    let list: serde_json::Value =
        serde_json::from_str(&ok(d, &["encounter", "list", "--patient", &id, "--json"])).unwrap();
    assert_eq!(list[0]["status"], "signed");
    assert_eq!(list[0]["diagnoses"], serde_json::json!(["L20.9", "L40.0"]));

    ok(
        d,
        &[
            "product",
            "add",
            "--sku",
            "spf50",
            "--name",
            "Sunscreen SPF 50",
            "--price",
            "18.90",
            "--category",
            "Sun care",
        ],
    );
    assert_eq!(
        ok(
            d,
            &[
                "stock", "in", "--sku", "SPF50", "--qty", "10", "--reason", "delivery"
            ]
        ),
        "SPF50 10"
    );
    assert_eq!(
        ok(
            d,
            &[
                "stock", "adjust", "--sku", "SPF50", "--qty", "-1", "--reason", "damaged"
            ]
        ),
        "SPF50 9"
    );
    let receipt = ok(
        d,
        &[
            "sale", "add", "--item", "SPF50:2", "--pay", "card:20", "--pay", "cash:20",
        ],
    );
    assert_eq!(receipt, "N1-000001");
    let stock: serde_json::Value =
        serde_json::from_str(&ok(d, &["stock", "show", "--sku", "spf50", "--json"])).unwrap();
    assert_eq!(stock[0]["on_hand"], 7, "a sale takes stock out");
    let sales: serde_json::Value =
        serde_json::from_str(&ok(d, &["sale", "list", "--json"])).unwrap();
    assert_eq!(sales[0]["total_minor"], 3780);
    assert_eq!(sales[0]["change_minor"], 220);
    let void = ok(d, &["sale", "void", "N1-000001"]);
    assert_eq!(void, "N1-000002");
    let stock: serde_json::Value =
        serde_json::from_str(&ok(d, &["stock", "show", "--json"])).unwrap();
    assert_eq!(stock[0]["on_hand"], 9, "a void puts the stock back");

    let status = status_json(d);
    assert_eq!(status["counts"]["patients"], 1);
    assert_eq!(status["counts"]["encounters"], 1);
    assert_eq!(status["node"]["code"], "N1");
    assert!(
        status["outbox"]["count"].as_i64().unwrap() >= 3,
        "standalone edits wait in the outbox: {status}"
    );
}

#[test]
fn invalid_input_exits_2_names_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let pid = ok(
        d,
        &["patient", "add", "--first-name", "A", "--last-name", "B"],
    );
    ok(
        d,
        &[
            "product", "add", "--sku", "X1", "--name", "Cream", "--price", "5",
        ],
    );
    let before = status_json(d);
    let cases: &[(&[&str], &str)] = &[
        (
            &["patient", "add", "--first-name", "", "--last-name", "X"],
            "first_name",
        ),
        (
            &[
                "patient",
                "add",
                "--first-name",
                "A",
                "--last-name",
                "B",
                "--birth-date",
                "31.12.1980",
            ],
            "birth_date",
        ),
        (
            &[
                "patient",
                "add",
                "--first-name",
                "A",
                "--last-name",
                "B",
                "--email",
                "not-an-email",
            ],
            "email",
        ),
        (&["patient", "update", &pid, "--sex", "robot"], "sex"),
        (&["patient", "show", "not-a-uuid"], "id"),
        (
            &["patient", "show", "01a21f36-869c-72ef-82bf-e853228d5341"],
            "patient",
        ),
        (
            &[
                "encounter",
                "add",
                "--patient",
                &pid,
                "--diagnosis",
                "Q99.99",
            ],
            "diagnosis",
        ),
        (
            &[
                "product", "add", "--sku", "X1", "--name", "Again", "--price", "1",
            ],
            "sku",
        ),
        (
            &[
                "product", "add", "--sku", "Y", "--name", "Cheap", "--price", "1.234",
            ],
            "price",
        ),
        (
            &[
                "stock", "in", "--sku", "NOPE", "--qty", "1", "--reason", "r",
            ],
            "sku",
        ),
        (
            &["stock", "out", "--sku", "X1", "--qty", "0", "--reason", "r"],
            "qty",
        ),
        (
            &["sale", "add", "--item", "X1:1", "--pay", "card:1"],
            "payment",
        ),
        (
            &["sale", "add", "--item", "X1:one", "--pay", "cash:10"],
            "item[0]",
        ),
        (
            &["sale", "add", "--item", "X1:1", "--pay", "bitcoin:10"],
            "payment[0]",
        ),
    ];
    for (args, field) in cases {
        let o = run(d, args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?} must exit 2, stderr: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(field),
            "{args:?}: the message names {field}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
    }
    let after = status_json(d);
    assert_eq!(before["counts"], after["counts"], "nothing was written");
    assert_eq!(before["outbox"]["count"], after["outbox"]["count"]);
}

#[test]
fn foreign_and_corrupt_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = d.join("dermis-node.db");
    // Not SQLite at all.
    std::fs::write(&store, b"these are somebody's notes, not a database\n").unwrap();
    let o = run(d, &["status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a Dermis store"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&store).unwrap(),
        b"these are somebody's notes, not a database\n"
    );
    let o = run(d, &["init", "--clinic-name", "C", "--node-name", "N"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "init refuses to overwrite: {}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&store).unwrap(),
        b"these are somebody's notes, not a database\n"
    );

    // Another application's SQLite database.
    std::fs::remove_file(&store).unwrap();
    {
        let conn = rusqlite::Connection::open(&store).unwrap();
        conn.execute_batch("CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO accounts(owner) VALUES ('someone');").unwrap();
    }
    let before = std::fs::read(&store).unwrap();
    let o = run(
        d,
        &["patient", "add", "--first-name", "A", "--last-name", "B"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("another application"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&store).unwrap(),
        before,
        "the foreign database is unchanged"
    );

    // A Dermis store whose pages were damaged.
    std::fs::remove_file(&store).unwrap();
    init(d);
    ok(
        d,
        &["patient", "add", "--first-name", "A", "--last-name", "B"],
    );
    let mut bytes = std::fs::read(&store).unwrap();
    for b in bytes.iter_mut().skip(4096).take(8192) {
        *b = 0xA5;
    }
    std::fs::write(&store, &bytes).unwrap();
    let _ = std::fs::remove_file(d.join("dermis-node.db-wal"));
    let o = run(d, &["patient", "search", "a"]);
    assert_ne!(
        o.status.code(),
        Some(0),
        "a damaged store is an error: {}",
        stdout(&o)
    );
    assert!(!stderr(&o).is_empty());
}

#[test]
fn missing_store_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("dermis-node init"), "{}", stderr(&o));
}

#[test]
fn search_finds_prefixes_in_every_script_ignoring_case_and_accents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let add = |first: &str, last: &str, extra: &[&str]| {
        let mut args = vec!["patient", "add", "--first-name", first, "--last-name", last];
        args.extend_from_slice(extra);
        ok(d, &args)
    };
    let elodie = add("Élodie", "Lefèvre", &["--email", "elodie@example.fr"]);
    let olena = add("Олена", "Їжакевич", &["--phone", "+380 67 123 45 67"]);
    let aram = add("Արամ", "Պետրոսյան", &[]);
    let jose = add("José", "Núñez", &["--mrn", "MRN-4711"]);
    let search = |q: &str| -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&ok(d, &["patient", "search", q, "--json"])).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        search("elo"),
        vec![elodie.clone()],
        "prefix, no accent typed"
    );
    assert_eq!(search("LEFEV"), vec![elodie.clone()], "upper case");
    assert_eq!(
        search("лефе"),
        Vec::<String>::new(),
        "no false friends across scripts"
    );
    assert_eq!(search("олЕ"), vec![olena.clone()], "Cyrillic, mixed case");
    assert_eq!(
        search("іжак"),
        vec![olena.clone()],
        "Ukrainian Ї folds to І"
    );
    assert_eq!(
        search("6712345"),
        vec![olena.clone()],
        "phone digits from the middle"
    );
    assert_eq!(search("արա"), vec![aram.clone()], "Armenian");
    assert_eq!(search("ՊԵՏՐ"), vec![aram.clone()], "Armenian upper case");
    assert_eq!(
        search("nunez jo"),
        vec![jose.clone()],
        "several words, any order"
    );
    assert_eq!(search("mrn-47"), vec![jose.clone()], "record number");
    assert_eq!(search("example.fr"), vec![elodie.clone()], "email");
    assert!(search("zzzz").is_empty());
}

#[test]
fn export_is_canonical_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    ok(d, &["demo", "--patients", "20", "--seed", "3"]);
    let a = ok(d, &["export", "--json"]);
    let b = ok(d, &["export", "--json"]);
    assert_eq!(a, b, "two exports of one store are byte-identical");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    let ids: Vec<&str> = v["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "records sorted by id");
    assert_eq!(ids.len(), 20);
    assert!(
        !a.contains("password_hash"),
        "no password hashes in exports"
    );
    assert!(
        !a.contains("outbox") && !a.contains("cursor"),
        "no node-local state"
    );
}

#[test]
fn errors_speak_the_chosen_language_and_still_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let o = run(
        d,
        &[
            "--locale",
            "ru",
            "patient",
            "add",
            "--first-name",
            "",
            "--last-name",
            "X",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("first_name:") && err.contains("Имя"), "{err}");
    let o = common::cmd(d)
        .env("DERMIS_LOCALE", "hy")
        .args(["patient", "add", "--first-name", "", "--last-name", "X"])
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("Անուն"),
        "DERMIS_LOCALE works too: {}",
        stderr(&o)
    );
    let o = run(d, &["--locale", "klingon", "status"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("locale"));
}

/// `dermis-node export --json | head -c 10`: the reader goes away after ten bytes; the
/// command ends quietly with 0 instead of panicking (exit 101 and a backtrace).
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    ok(d, &["demo", "--patients", "300", "--seed", "5"]);
    let mut child = common::cmd(d)
        .args(["export", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_chart_tells_no_known_allergies_from_allergies_never_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let id = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Ani",
            "--last-name",
            "Sargsyan",
        ],
    );
    let shown = |d| -> serde_json::Value {
        serde_json::from_str(&ok(d, &["patient", "show", &id, "--json"])).unwrap()
    };
    assert_eq!(shown(d)["no_known_allergies"], false);
    assert!(ok(d, &["patient", "show", &id]).contains("allergies:   not recorded"));

    ok(d, &["patient", "no-known-allergies", &id]);
    assert_eq!(shown(d)["no_known_allergies"], true);
    assert!(ok(d, &["patient", "show", &id]).contains("allergies:   none known"));

    ok(
        d,
        &[
            "patient",
            "allergy",
            &id,
            "--substance",
            "Neomycin",
            "--severity",
            "severe",
        ],
    );
    let after = shown(d);
    assert_eq!(
        after["no_known_allergies"], false,
        "a recorded allergy replaces none known"
    );
    assert_eq!(after["allergies"][0]["substance"], "Neomycin");

    let written = |d| {
        let status = status_json(d);
        (
            status["outbox"]["count"].clone(),
            status["outbox"]["bytes"].clone(),
        )
    };
    let before = written(d);
    let refused = run(d, &["patient", "no-known-allergies", &id]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("allergies"),
        "the error names the field: {}",
        stderr(&refused)
    );
    assert_eq!(written(d), before, "nothing written");
    assert_eq!(shown(d)["allergies"][0]["substance"], "Neomycin");
}

#[test]
fn an_allergy_entered_in_error_stops_counting_and_stays_on_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let id = ok(
        d,
        &[
            "patient",
            "add",
            "--first-name",
            "Ani",
            "--last-name",
            "Sargsyan",
        ],
    );
    let allergy = ok(
        d,
        &[
            "patient",
            "allergy",
            &id,
            "--substance",
            "Latex",
            "--severity",
            "mild",
        ],
    );
    for (args, field) in [
        (
            vec![
                "patient",
                "allergy-error",
                &id,
                "--allergy",
                &allergy,
                "--reason",
                " ",
            ],
            "reason",
        ),
        (
            vec![
                "patient",
                "allergy-error",
                &id,
                "--allergy",
                "01a21f36-869c-72ef-82bf-e853228d5341",
                "--reason",
                "slip",
            ],
            "allergy",
        ),
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(field), "names {field}: {}", stderr(&o));
    }
    ok(
        d,
        &[
            "patient",
            "allergy-error",
            &id,
            "--allergy",
            &allergy,
            "--reason",
            "wrong patient",
        ],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(d, &["patient", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["allergies"], serde_json::json!([]));
    assert_eq!(
        shown["allergies_in_error"][0]["allergy"]["substance"],
        "Latex"
    );
    assert_eq!(shown["allergies_in_error"][0]["reason"], "wrong patient");
    ok(d, &["patient", "no-known-allergies", &id]);
}
