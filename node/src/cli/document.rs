//! `document pdf`: a visit's prescription or summary as a PDF file.

use super::CliError;
use super::args::DocumentCmd;
use super::run::usage;
use crate::i18n::Locale;
use crate::node::{Node, Session};
use crate::ops::documents::{self, DocumentError};
use crate::print::document::Kind;

pub fn document(
    node: &mut Node,
    session: &Session,
    cmd: DocumentCmd,
    locale: Option<&str>,
) -> Result<(), CliError> {
    let DocumentCmd::Pdf {
        encounter,
        kind,
        out,
    } = cmd;
    let kind =
        Kind::parse(&kind).ok_or_else(|| usage("kind", "kind must be prescription or summary"))?;
    let id = encounter
        .trim()
        .parse()
        .map_err(|_| usage("encounter", format!("not a visit id: {encounter:?}")))?;
    let locale = match locale.filter(|l| !l.trim().is_empty()) {
        Some(code) => Locale::parse(code).map_err(|e| usage("locale", e.to_string()))?,
        None => Locale::parse(&node.clinic()?.default_locale).unwrap_or_default(),
    };
    let bytes = documents::pdf(node, session, id, kind, locale).map_err(|e| match e {
        DocumentError::Op(op) => CliError::Op(op),
        DocumentError::Pdf(source) => CliError::Other(format!("cannot make the PDF: {source}")),
    })?;
    std::fs::write(&out, bytes)
        .map_err(|e| CliError::Other(format!("cannot write {}: {e}", out.display())))?;
    Ok(())
}
