//! Placeholder until the bundled ICD-10-CM list lands.

pub struct Icd10Entry {
    pub code: &'static str,
    pub label: &'static str,
    pub billable: bool,
}

static ENTRIES: &[Icd10Entry] = &[
    Icd10Entry {
        code: "L40.0",
        label: "Psoriasis vulgaris",
        billable: true,
    },
    Icd10Entry {
        code: "L70.0",
        label: "Acne vulgaris",
        billable: true,
    },
];

pub fn lookup(code: &str) -> Option<&'static Icd10Entry> {
    ENTRIES
        .iter()
        .find(|e| e.code.eq_ignore_ascii_case(code.trim()))
}
