//! `document pdf`: a visit's prescription or summary as a PDF, checked by its text (the
//! letterhead, the patient with allergies, the clinician, the body, the signature line)
//! in the language asked for; bad input exits 2 naming the field and writes no file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{init, ok, run, stderr};

fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    pdf_extract::extract_text_from_mem(&bytes).unwrap()
}

/// A clinic with a letterhead, a patient allergic to penicillin, a visit with a diagnosis
/// and two prescriptions; returns (encounter, patient).
fn visit(d: &Path) -> (String, String) {
    init(d);
    ok(
        d,
        &[
            "clinic",
            "set",
            "--legal-name",
            "Clinique du Lac SARL",
            "--address",
            "12 quai des Bergues, Genève",
            "--tax-id",
            "CHE-123.456.789",
        ],
    );
    let patient = ok(
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
        ],
    );
    ok(
        d,
        &["patient", "allergy", &patient, "--substance", "Penicillin"],
    );
    let encounter = ok(
        d,
        &[
            "encounter",
            "add",
            "--patient",
            &patient,
            "--complaint",
            "Itchy plaques on the elbows",
            "--assessment",
            "Plaque psoriasis",
            "--diagnosis",
            "L40.0",
        ],
    );
    for (drug, dose) in [
        ("Clobetasol 0.05% cream", "thin layer"),
        ("Calcipotriol ointment", "once daily"),
    ] {
        ok(
            d,
            &[
                "prescription",
                "add",
                "--encounter",
                &encounter,
                "--drug",
                drug,
                "--dose",
                dose,
                "--instructions",
                "on the plaques for 4 weeks",
            ],
        );
    }
    (encounter, patient)
}

#[test]
fn a_prescription_and_a_summary_print_in_the_language_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (encounter, _) = visit(d);

    let rx = d.join("rx.pdf");
    ok(
        d,
        &[
            "document",
            "pdf",
            "--encounter",
            &encounter,
            "--kind",
            "prescription",
            "--out",
            rx.to_str().unwrap(),
        ],
    );
    let text = pdf_text(&rx);
    for wanted in [
        "Clinique du Lac SARL",
        "12 quai des Bergues, Genève",
        "CHE-123.456.789",
        "Prescription",
        "Élodie Müller",
        "Penicillin",
        "Clobetasol 0.05% cream",
        "Calcipotriol ointment",
        "once daily",
        "Signature",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from:\n{text}");
    }

    let summary = d.join("summary-ru.pdf");
    ok(
        d,
        &[
            "--locale",
            "ru",
            "document",
            "pdf",
            "--encounter",
            &encounter,
            "--kind",
            "summary",
            "--out",
            summary.to_str().unwrap(),
        ],
    );
    let text = pdf_text(&summary);
    for wanted in [
        "Заключение по приёму",
        "Itchy plaques on the elbows",
        "Plaque psoriasis",
        "L40.0",
        // The diagnosis is stored in English and printed in the document's language.
        "Псориаз обыкновенный (вульгарный)",
        "Назначения",
        "Подпись",
        "09.03.1984",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from:\n{text}");
    }
    assert!(
        !text.contains("Psoriasis vulgaris"),
        "no English diagnosis label in a Russian summary:\n{text}"
    );
}

#[test]
fn bad_requests_exit_2_naming_the_field_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (encounter, patient) = visit(d);
    let bare = ok(d, &["encounter", "add", "--patient", &patient]);
    let out = d.join("never.pdf");
    let path = out.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "document",
                "pdf",
                "--encounter",
                &encounter,
                "--kind",
                "letter",
                "--out",
                path,
            ],
            "kind",
        ),
        (
            &[
                "document",
                "pdf",
                "--encounter",
                "not-an-id",
                "--kind",
                "summary",
                "--out",
                path,
            ],
            "encounter",
        ),
        (
            &[
                "document",
                "pdf",
                "--encounter",
                "01a21f36-869c-72ef-82bf-e853228d5341",
                "--kind",
                "summary",
                "--out",
                path,
            ],
            "encounter",
        ),
        (
            &[
                "document",
                "pdf",
                "--encounter",
                &bare,
                "--kind",
                "prescription",
                "--out",
                path,
            ],
            "prescriptions",
        ),
    ];
    for (args, field) in cases {
        let o = run(d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(field),
            "{args:?} names {field}: {}",
            stderr(&o)
        );
        assert!(!out.exists(), "{args:?} wrote a file");
    }
}
