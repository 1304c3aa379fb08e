//! The clinical commands' contract with the real binary: prescriptions and the allergy
//! check, the appointment lifecycle, duplicates and merges on one node. Exit codes: 0
//! ok, 2 invalid input naming the field with nothing written, 3 not permitted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{DEMO_PASSWORD, cmd_as, init, ok, ok_as, run, stderr};

fn json(d: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(d, args)).expect("JSON output")
}

fn patient(d: &Path, first: &str, last: &str, extra: &[&str]) -> String {
    let mut args = vec!["patient", "add", "--first-name", first, "--last-name", last];
    args.extend_from_slice(extra);
    ok(d, &args)
}

fn rx<'a>(encounter: &'a str, drug: &'a str) -> Vec<&'a str> {
    vec![
        "prescription",
        "add",
        "--encounter",
        encounter,
        "--drug",
        drug,
        "--dose",
        "thin layer",
        "--instructions",
        "twice daily for 7 days",
    ]
}

#[test]
fn a_drug_matching_an_allergy_exits_2_naming_it_unless_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let p = patient(d, "Anna", "Petrosyan", &[]);
    ok(
        d,
        &["patient", "allergy", &p, "--substance", "Aminoglycosides"],
    );
    let enc = ok(d, &["encounter", "add", "--patient", &p]);

    let o = run(d, &rx(&enc, "NEOMYCIN 0.5% cream"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("drug:"), "names the field: {err}");
    assert!(err.contains("Aminoglycosides"), "names the allergy: {err}");
    let none = json(d, &["prescription", "list", "--patient", &p, "--json"]);
    assert_eq!(none, serde_json::json!([]), "nothing written");

    let mut with_reason = rx(&enc, "Neomycin 0.5% cream");
    with_reason.extend(["--override-allergy", "patch test negative 2025"]);
    with_reason.extend(["--quantity", "1", "--refills", "2"]);
    let id = ok(d, &with_reason);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "prints the id: {id:?}");
    let safe = ok(d, &rx(&enc, "Mupirocin 2% ointment"));

    let list = json(d, &["prescription", "list", "--patient", &p, "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let overridden = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(overridden["drug"], "Neomycin 0.5% cream");
    assert_eq!(overridden["quantity"], 1);
    assert_eq!(overridden["refills"], 2);
    assert_eq!(overridden["encounter_id"], enc.as_str());
    assert_eq!(overridden["patient_id"], p.as_str());
    assert_eq!(
        overridden["allergy_override"]["reason"],
        "patch test negative 2025"
    );
    assert_eq!(
        overridden["allergy_override"]["allergies"],
        serde_json::json!(["Aminoglycosides"])
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == safe.as_str())
    );

    // The override is in the audit trail.
    let trail = json(d, &["audit", "list", "--patient", &p, "--json"]);
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "override_allergy" && e["target"] == id.as_str()),
        "{trail}"
    );

    // A signed visit takes no more prescriptions.
    ok(d, &["encounter", "sign", &enc]);
    let o = run(d, &rx(&enc, "Mupirocin 2% ointment"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("encounter:"), "{}", stderr(&o));
}

#[test]
fn bad_prescriptions_exit_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let p = patient(d, "Aram", "Sargsyan", &[]);
    let enc = ok(d, &["encounter", "add", "--patient", &p]);
    for (args, field) in [
        (
            vec![
                "prescription",
                "add",
                "--encounter",
                &enc,
                "--drug",
                " ",
                "--dose",
                "1",
                "--instructions",
                "x",
            ],
            "drug:",
        ),
        (
            {
                let mut a = rx(&enc, "Doxycycline 100 mg");
                a.extend(["--refills", "99"]);
                a
            },
            "refills:",
        ),
        (
            {
                let mut a = rx(&enc, "Doxycycline 100 mg");
                a.extend(["--quantity", "lots"]);
                a
            },
            "--quantity",
        ),
        (rx("not-an-id", "Doxycycline"), "encounter:"),
        (
            rx("01900000-0000-7000-8000-000000000000", "Doxycycline"),
            "encounter:",
        ),
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(field), "{field}: {}", stderr(&o));
    }
    let o = run(d, &["prescription", "list", "--patient", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        json(d, &["prescription", "list", "--patient", &p, "--json"]),
        serde_json::json!([])
    );
}

#[test]
fn only_prescribers_prescribe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    ok(d, &["demo", "--patients", "3", "--seed", "2"]);
    let p = patient(d, "Nare", "Hakobyan", &[]);
    let enc = ok_as(
        d,
        "doctor",
        DEMO_PASSWORD,
        &["encounter", "add", "--patient", &p],
    );
    let o = cmd_as(d, "nurse", DEMO_PASSWORD)
        .args(rx(&enc, "Fusidic acid 2% cream"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    ok_as(
        d,
        "doctor",
        DEMO_PASSWORD,
        &rx(&enc, "Fusidic acid 2% cream"),
    );
}

#[test]
fn appointments_follow_their_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let p = patient(d, "Lucía", "García", &[]);
    let book = |who: &[&str]| {
        let mut args = vec![
            "appointment",
            "add",
            "--start",
            "2030-01-02T09:00:00Z",
            "--title",
            "Mole check",
        ];
        args.extend_from_slice(who);
        ok(d, &args)
    };
    let a = book(&["--patient", &p]);
    let b = book(&["--invitee", "Lucia Garcia (Calendly)"]);
    let c = book(&["--patient", &p]);
    let list = || {
        json(
            d,
            &["appointment", "list", "--from", "2030-01-01", "--json"],
        )
    };
    let status_of = |id: &str| {
        list()
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| (r["status"].clone(), r["patient_id"].clone()))
            .unwrap()
    };
    assert_eq!(status_of(&a).0, "scheduled");
    assert_eq!(status_of(&b).1, serde_json::Value::Null);

    ok(d, &["appointment", "check-in", &a]);
    ok(d, &["appointment", "check-in", &a]); // repeated: nothing to do
    assert_eq!(status_of(&a).0, "checked_in");
    assert_eq!(status_of(&a).1, p.as_str());
    for (args, why) in [
        (
            ["appointment", "no-show", a.as_str()],
            "checked in → no-show",
        ),
        (
            ["appointment", "cancel", a.as_str()],
            "checked in → cancelled",
        ),
    ] {
        let o = run(d, &args);
        assert_eq!(o.status.code(), Some(2), "{why}: {}", stderr(&o));
        assert!(stderr(&o).contains("status:"), "{why}: {}", stderr(&o));
    }
    assert_eq!(status_of(&a).0, "checked_in", "nothing written");

    ok(d, &["appointment", "no-show", &c]);
    assert_eq!(status_of(&c).0, "no_show");
    ok(d, &["appointment", "check-in", &c]);
    assert_eq!(status_of(&c).0, "checked_in", "a late arrival is seen");

    ok(d, &["appointment", "cancel", &b]);
    let o = run(d, &["appointment", "check-in", &b]);
    assert_eq!(o.status.code(), Some(2));

    ok(d, &["appointment", "link", &b, "--patient", &p]);
    assert_eq!(status_of(&b).1, p.as_str());
    let o = run(
        d,
        &[
            "appointment",
            "link",
            &b,
            "--patient",
            "01900000-0000-7000-8000-000000000000",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("patient:"), "{}", stderr(&o));
    let o = run(d, &["appointment", "check-in", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("id:"), "{}", stderr(&o));
}

#[test]
fn appointments_are_booked_with_a_clinician_moved_and_cancelled_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    ok(d, &["demo", "--patients", "3", "--seed", "2"]);
    let as_reception = |args: &[&str]| ok_as(d, "reception", DEMO_PASSWORD, args);
    let list = || -> Vec<serde_json::Value> {
        let out = as_reception(&["appointment", "list", "--from", "2030-01-01", "--json"]);
        serde_json::from_str::<serde_json::Value>(&out)
            .expect("JSON output")
            .as_array()
            .unwrap()
            .clone()
    };
    let a = as_reception(&[
        "appointment",
        "add",
        "--invitee",
        "Nare Hakobyan",
        "--start",
        "2030-01-02T09:00:00Z",
        "--minutes",
        "45",
        "--clinician",
        "doctor",
    ]);
    let rows = list();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], a.as_str());
    assert_eq!(rows[0]["clinician"], "doctor");
    assert!(rows[0]["clinician_id"].is_string());

    // A user who does not see patients as a clinician, or nobody: exit 2 naming the field.
    for who in ["reception", "nobody"] {
        let o = cmd_as(d, "reception", DEMO_PASSWORD)
            .args([
                "appointment",
                "add",
                "--invitee",
                "X",
                "--start",
                "2030-01-03T09:00:00Z",
                "--clinician",
                who,
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{who}: {}", stderr(&o));
        assert!(stderr(&o).contains("clinician"), "{who}: {}", stderr(&o));
    }
    assert_eq!(list().len(), 1, "nothing written");

    // Moved to the nurse an hour later, keeping its length.
    as_reception(&[
        "appointment",
        "move",
        &a,
        "--start",
        "2030-01-02T10:00:00Z",
        "--clinician",
        "nurse",
    ]);
    let row = list().remove(0);
    assert_eq!(row["clinician"], "nurse");
    let start = row["start"].as_i64().unwrap();
    assert_eq!(row["end"].as_i64().unwrap() - start, 45 * 60_000);
    assert_eq!(start % 86_400_000, 10 * 3_600_000);

    as_reception(&["appointment", "cancel", &a, "--reason", "Snowed in"]);
    let row = list().remove(0);
    assert_eq!(row["status"], "canceled");
    assert_eq!(row["cancel_reason"], "Snowed in");
    let o = cmd_as(d, "reception", DEMO_PASSWORD)
        .args(["appointment", "move", &a, "--start", "2030-01-04T10:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("status:"), "{}", stderr(&o));
    // A cashier may not book.
    let o = cmd_as(d, "cashier", DEMO_PASSWORD)
        .args([
            "appointment",
            "add",
            "--invitee",
            "X",
            "--start",
            "2030-01-03T09:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

#[test]
fn duplicates_are_found_and_a_merge_leaves_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let keep = patient(
        d,
        "Élodie",
        "Müller",
        &["--birth-date", "1984-03-09", "--phone", "+33 6 12 34 56 78"],
    );
    let other = patient(d, "MULLER", "elodie", &["--birth-date", "1984-03-09"]);
    let by_phone = patient(d, "E.", "Muller", &["--phone", "06 12 34 56 78"]);
    patient(d, "Someone", "Else", &["--birth-date", "1984-03-09"]);

    let pairs = json(d, &["patient", "duplicates", "--json"]);
    let pairs = pairs.as_array().unwrap();
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    let named = pairs
        .iter()
        .find(|p| p["reasons"] == serde_json::json!(["name_and_birth_date"]))
        .unwrap();
    let mut ids = [named["a"].as_str().unwrap(), named["b"].as_str().unwrap()];
    ids.sort();
    let mut want = [keep.as_str(), other.as_str()];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(named["score"], 0.9);
    assert!(named["reason"].as_str().unwrap().contains("birth date"));
    assert!(
        pairs
            .iter()
            .any(|p| p["reasons"] == serde_json::json!(["phone"])
                && (p["a"] == by_phone.as_str() || p["b"] == by_phone.as_str()))
    );

    // OTHER's chart: an allergy, a visit with a prescription, an appointment.
    ok(
        d,
        &["patient", "allergy", &other, "--substance", "Penicillin"],
    );
    let enc = ok(d, &["encounter", "add", "--patient", &other]);
    let rx_id = ok(d, &rx(&enc, "Hydrocortisone 1% cream"));
    let appt = ok(
        d,
        &[
            "appointment",
            "add",
            "--patient",
            &other,
            "--start",
            "2030-01-02T09:00:00Z",
        ],
    );

    let o = run(d, &["patient", "merge", &keep, &other]);
    assert_eq!(o.status.code(), Some(2), "without --yes");
    assert!(stderr(&o).contains("yes:"), "{}", stderr(&o));
    assert_eq!(
        json(d, &["patient", "duplicates", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let o = run(d, &["patient", "merge", &keep, &keep, "--yes"]);
    assert_eq!(o.status.code(), Some(2));

    let merged = json(d, &["patient", "merge", &keep, &other, "--yes", "--json"]);
    assert_eq!(merged["appointments"], 1);
    let o = run(d, &["patient", "merge", &keep, &other, "--yes"]);
    assert_eq!(o.status.code(), Some(2), "twice: already merged");

    let shown = json(d, &["patient", "show", &other, "--json"]);
    assert_eq!(shown["id"], keep.as_str(), "OTHER shows KEEP's record");
    assert_eq!(shown["merged"]["into"], keep.as_str());
    assert_eq!(shown["merged"]["id"], other.as_str());
    assert!(ok(d, &["patient", "show", &other]).contains("was merged into"));
    let kept = json(d, &["patient", "show", &keep, "--json"]);
    assert_eq!(kept["merged_from"], serde_json::json!([other]));
    assert_eq!(kept["allergies"][0]["substance"], "Penicillin");
    assert_eq!(kept["encounters"][0]["id"], enc.as_str());

    let found = json(d, &["patient", "search", "muller", "--json"]);
    let found: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(found.contains(&keep.as_str()) && !found.contains(&other.as_str()));
    let rxs = json(d, &["prescription", "list", "--patient", &keep, "--json"]);
    assert_eq!(rxs[0]["id"], rx_id.as_str());
    let visits = json(d, &["encounter", "list", "--patient", &keep, "--json"]);
    assert_eq!(visits[0]["id"], enc.as_str());
    let appts = json(
        d,
        &["appointment", "list", "--from", "2030-01-01", "--json"],
    );
    assert_eq!(appts[0]["id"], appt.as_str());
    assert_eq!(appts[0]["patient_id"], keep.as_str());
    // The merged record's allergy guards KEEP's prescriptions.
    let visit = ok(d, &["encounter", "add", "--patient", &keep]);
    let o = run(d, &rx(&visit, "Amoxicillin 500 mg"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Penicillin"), "{}", stderr(&o));
    // Nothing is left to merge between them.
    let pairs = json(d, &["patient", "duplicates", "--json"]);
    assert!(
        pairs
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["a"] != other.as_str() && p["b"] != other.as_str())
    );
    let trail = json(d, &["audit", "list", "--patient", &other, "--json"]);
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "merge"),
        "{trail}"
    );
}
