//! Printing: receipts as 48-column text, ESC/POS bytes or PDF.

pub mod receipt;

/// A receipt as PDF (not yet: see `pdf`).
pub fn receipt_pdf(_rows: &[receipt::Row]) -> Result<Vec<u8>, String> {
    Err("PDF output is not built yet".into())
}
