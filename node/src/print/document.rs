//! Clinical documents on A4: a prescription or a visit summary, in the language asked
//! for, with the clinic's letterhead, the patient (allergies included), the clinician,
//! the date, the body, and a signature line. Laid out here as blocks of text; the PDF
//! is written by [`super::pdf`].

use dermis_model::clinic::Business;
use dermis_model::encounter::Encounter;
use dermis_model::patient::{AllergyStatus, Patient};

use super::pdf::{self, Align, Page, PdfError, mm};
use crate::i18n::{Locale, Localizer, format_date};

/// Which document of a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Prescription,
    Summary,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "prescription" => Some(Kind::Prescription),
            "summary" => Some(Kind::Summary),
            _ => None,
        }
    }
}

/// Everything a document shows.
pub struct Source<'a> {
    pub clinic_name: &'a str,
    pub business: &'a Business,
    pub patient: &'a Patient,
    pub encounter: &'a Encounter,
}

/// One line of the laid-out document.
#[derive(Clone, Debug, PartialEq)]
enum Line {
    Title(String),
    Heading(String),
    Text(String),
    /// A label and its value on one line.
    Field(String, String),
    Gap,
    Rule,
    Signature(String),
}

/// The document's lines, in `locale`.
fn layout(kind: Kind, src: &Source<'_>, locale: Locale, tr: &Localizer) -> Vec<Line> {
    let t = |id: &str| tr.t(locale, id);
    let mut lines = Vec::new();
    let b = src.business;
    let letterhead = if b.legal_name.trim().is_empty() {
        src.clinic_name
    } else {
        b.legal_name.as_str()
    };
    lines.push(Line::Heading(letterhead.to_owned()));
    for part in b.address.lines().filter(|l| !l.trim().is_empty()) {
        lines.push(Line::Text(part.trim().to_owned()));
    }
    if !b.phone.trim().is_empty() {
        lines.push(Line::Field(t("doc-phone"), b.phone.clone()));
    }
    if !b.tax_id.trim().is_empty() {
        lines.push(Line::Field(t("doc-tax-id"), b.tax_id.clone()));
    }
    lines.push(Line::Rule);
    lines.push(Line::Title(t(match kind {
        Kind::Prescription => "doc-prescription-title",
        Kind::Summary => "doc-summary-title",
    })));
    let p = src.patient;
    let e = src.encounter;
    lines.push(Line::Field(t("doc-patient"), p.full_name()));
    if let Some(born) = p.birth_date {
        lines.push(Line::Field(
            t("field-birth-date"),
            format_date(born, locale),
        ));
    }
    if !p.mrn.is_empty() {
        lines.push(Line::Field(t("field-mrn"), p.mrn.clone()));
    }
    let allergies = match p.allergy_status() {
        AllergyStatus::Listed => p
            .allergies
            .iter()
            .map(|a| a.substance.clone())
            .collect::<Vec<_>>()
            .join(", "),
        AllergyStatus::NoneKnown => t("gui-allergies-none-known"),
        AllergyStatus::NotRecorded => t("gui-allergies-not-recorded"),
    };
    lines.push(Line::Field(t("field-allergies"), allergies));
    lines.push(Line::Field(t("field-clinician"), e.clinician.clone()));
    lines.push(Line::Field(t("field-date"), format_date(e.date, locale)));
    lines.push(Line::Rule);
    match kind {
        Kind::Prescription => {
            for (n, rx) in e.prescriptions.iter().enumerate() {
                lines.push(Line::Heading(format!("{}. {}", n + 1, rx.drug)));
                lines.push(Line::Field(t("doc-dose"), rx.dose.clone()));
                lines.push(Line::Field(t("doc-instructions"), rx.instructions.clone()));
                if let Some(q) = rx.quantity {
                    lines.push(Line::Field(t("field-quantity"), q.to_string()));
                }
                lines.push(Line::Field(t("doc-refills"), rx.refills.to_string()));
                lines.push(Line::Gap);
            }
        }
        Kind::Summary => {
            for (label, text) in [
                ("field-complaint", &e.complaint),
                ("field-subjective", &e.subjective),
                ("field-objective", &e.objective),
                ("field-assessment", &e.assessment),
                ("field-plan", &e.plan),
            ] {
                if text.trim().is_empty() {
                    continue;
                }
                lines.push(Line::Heading(t(label)));
                for paragraph in text.lines().filter(|l| !l.trim().is_empty()) {
                    lines.push(Line::Text(paragraph.trim().to_owned()));
                }
                lines.push(Line::Gap);
            }
            if !e.diagnoses.is_empty() {
                lines.push(Line::Heading(t("gui-col-diagnoses")));
                for d in &e.diagnoses {
                    // Stored in English; printed in the document's language.
                    let label = crate::icd10::label(&d.code, locale).unwrap_or(&d.label);
                    lines.push(Line::Text(format!("{}  {label}", d.code)));
                }
                lines.push(Line::Gap);
            }
            if !e.prescriptions.is_empty() {
                lines.push(Line::Heading(t("doc-prescriptions")));
                for rx in &e.prescriptions {
                    lines.push(Line::Text(format!(
                        "{} — {} — {}",
                        rx.drug, rx.dose, rx.instructions
                    )));
                }
                lines.push(Line::Gap);
            }
        }
    }
    lines.push(Line::Signature(format!(
        "{} ({})",
        t("doc-signature"),
        e.clinician
    )));
    lines
}

const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
const MARGIN: f32 = 20.0;
const BODY: f32 = 10.5;

/// Splits `text` into lines no wider than `width` points at `size`, at spaces (a word
/// longer than the line stands alone).
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && pdf::text_width(&candidate, size) > width {
            out.push(std::mem::take(&mut line));
            line = word.to_owned();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// Pages of A4 with the lines laid out top to bottom, a new page when one is full.
struct Writer {
    pages: Vec<Page>,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            pages: vec![Page::new(mm(PAGE_WIDTH), mm(PAGE_HEIGHT))],
            y: mm(MARGIN),
        }
    }

    fn page(&mut self, needed: f32) -> &mut Page {
        if self.y + needed > mm(PAGE_HEIGHT - MARGIN) {
            self.pages.push(Page::new(mm(PAGE_WIDTH), mm(PAGE_HEIGHT)));
            self.y = mm(MARGIN);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, size: f32, text: &str, width: f32) {
        for piece in wrap(text, size, width) {
            let step = size * 1.45;
            let y = self.y + size;
            self.page(step).text(x, y, size, &piece, Align::Left);
            self.y += step;
        }
    }
}

/// The document as PDF bytes.
pub fn pdf(kind: Kind, src: &Source<'_>, locale: Locale) -> Result<Vec<u8>, PdfError> {
    let tr = Localizer::new();
    let left = mm(MARGIN);
    let width = mm(PAGE_WIDTH - 2.0 * MARGIN);
    let label_width = mm(45.0);
    let mut w = Writer::new();
    for line in layout(kind, src, locale, &tr) {
        match line {
            Line::Title(text) => {
                w.y += 6.0;
                w.text(left, 16.0, &text, width);
                w.y += 4.0;
            }
            Line::Heading(text) => w.text(left, 12.5, &text, width),
            Line::Text(text) => w.text(left, BODY, &text, width),
            Line::Field(label, value) => {
                let top = w.y;
                w.text(left, BODY, &label, label_width - 6.0);
                let below_label = w.y;
                w.y = top;
                w.text(left + label_width, BODY, &value, width - label_width);
                w.y = w.y.max(below_label);
            }
            Line::Gap => w.y += BODY * 0.8,
            Line::Rule => {
                let y = w.y + 4.0;
                w.page(10.0).rule(left, left + width, y, 0.6);
                w.y += 10.0;
            }
            Line::Signature(text) => {
                w.y += mm(18.0);
                let y = w.y;
                w.page(30.0).rule(left, left + mm(80.0), y, 0.6);
                w.y += 4.0;
                w.text(left, BODY, &text, width);
            }
        }
    }
    pdf::render(&w.pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_spaces_within_the_width() {
        let text = "Apply a thin layer to the affected skin twice daily for two weeks";
        let lines = wrap(text, 10.0, 120.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.join(" "), text, "nothing is lost or reordered");
        for line in &lines[..lines.len() - 1] {
            assert!(pdf::text_width(line, 10.0) <= 120.0, "{line:?} is too wide");
        }
        assert_eq!(wrap("", 10.0, 100.0), Vec::<String>::new());
    }
}
