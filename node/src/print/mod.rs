//! Printing: receipts as 48-column text, ESC/POS bytes or PDF ([`pdf`], the layer other
//! printouts share).

pub mod document;
pub mod pdf;
pub mod receipt;
pub mod shift;

use pdf::{Align, Page, mm};
use receipt::{Row, Style};

/// An 80 mm receipt as one PDF page as long as the receipt.
pub fn receipt_pdf(rows: &[Row]) -> Result<Vec<u8>, pdf::PdfError> {
    const SIZE: f32 = 7.5;
    const LINE: f32 = 10.5;
    let width = mm(80.0);
    let margin = mm(4.0);
    let lines = receipt::text_lines(rows).len() as f32;
    let mut page = Page::new(width, margin * 2.0 + LINE * (lines + 1.0));
    let mut y = margin + LINE;
    for r in rows {
        let size = if r.style == Style::Strong {
            SIZE + 1.5
        } else {
            SIZE
        };
        match r.style {
            Style::Rule => {
                page.rule(margin, width - margin, y - LINE / 3.0, 0.5);
                y += LINE / 2.0;
                continue;
            }
            Style::Center => {
                // Each wrapped piece centred.
                for piece in receipt::text_lines(std::slice::from_ref(r)) {
                    page.text(width / 2.0, y, size, piece.trim(), Align::Center);
                    y += LINE;
                }
                continue;
            }
            Style::Plain | Style::Strong => {}
        }
        let pieces = receipt::text_lines(&[Row {
            right: String::new(),
            ..r.clone()
        }]);
        let count = pieces.len();
        for (i, piece) in pieces.into_iter().enumerate() {
            page.text(margin, y, size, piece.trim_end(), Align::Left);
            if i + 1 == count && !r.right.is_empty() {
                page.text(width - margin, y, size, &r.right, Align::Right);
            }
            y += LINE;
        }
    }
    pdf::render(&[page])
}
