//! The clinic's details on the worker: what receipts print (legal name, address, tax id,
//! phone), the tax rates and whether prices include tax. Read and changed by whoever may
//! manage settings, as `clinic set` on the command line (`ops::erasure::set_clinic`).

use dermis_model::clinic::{Business, Permission};
use dermis_model::{ErrorCode, FieldError, ValidationErrors};

use super::handlers::{Outcome, fail, one};
use super::protocol::{Op, Reply, UiError};
use crate::node::{Node, Session};
use crate::ops;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClinicCommand {
    Load,
    Save(ClinicForm),
}

/// The clinic's details as typed. Business fields left `None` are not changed (so an
/// edit on another workstation of a field not touched here is kept).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClinicForm {
    /// (document key of `Business::FIELDS`, value) for each field changed.
    pub business: Vec<(&'static str, String)>,
    /// Tax class → the rate typed, in percent (`20`, `5.5`).
    pub tax_rates: Vec<(String, String)>,
    pub prices_include_tax: Option<bool>,
}

/// The clinic's details as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClinicView {
    pub business: Business,
    /// Tax class → rate in basis points.
    pub tax_rates: Vec<(String, u32)>,
    pub prices_include_tax: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClinicReply {
    Loaded(Box<ClinicView>),
    Saved,
}

fn load(node: &mut Node, session: &Session) -> Outcome {
    let failed = fail(Op::Clinic);
    session
        .require(Permission::ManageSettings)
        .map_err(&failed)?;
    let business = ops::till::business(node).map_err(&failed)?;
    let clinic = node.clinic().map_err(&failed)?;
    one(Reply::Clinic(ClinicReply::Loaded(Box::new(ClinicView {
        business,
        tax_rates: clinic.tax_rates.into_iter().collect(),
        prices_include_tax: clinic.prices_include_tax,
    }))))
}

/// A rate typed in percent (`20`, `5,5 %`) in basis points, 0 to 100 %.
fn parse_rate(class: &str, typed: &str) -> Result<(String, u32), FieldError> {
    let class = class.trim().to_lowercase();
    let bad = || {
        FieldError::new(
            format!("tax_rate[{class}]"),
            ErrorCode::InvalidTaxRate,
            "a tax rate is a percentage from 0 to 100",
        )
    };
    if class.is_empty() {
        return Err(FieldError::new(
            "tax_class",
            ErrorCode::Required,
            "a new tax rate needs a class name",
        ));
    }
    let bps = dermis_model::money::parse_minor(typed.trim().trim_end_matches('%').trim(), 2)
        .map_err(|_| bad())?;
    let bps = u32::try_from(bps)
        .ok()
        .filter(|b| *b <= 10_000)
        .ok_or_else(bad)?;
    Ok((class, bps))
}

fn save(node: &mut Node, session: &Session, form: ClinicForm) -> Outcome {
    let failed = fail(Op::Clinic);
    session
        .require(Permission::ManageSettings)
        .map_err(&failed)?;
    let mut errors = ValidationErrors::default();
    let mut tax_rates = Vec::new();
    for (class, typed) in &form.tax_rates {
        match parse_rate(class, typed) {
            Ok(rate) => tax_rates.push(rate),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err((Op::Clinic, UiError::Invalid(errors)));
    }
    ops::erasure::set_clinic(
        node,
        session,
        &ops::erasure::ClinicSettings {
            retention_years: None,
            business: form.business,
            tax_rates,
            prices_include_tax: form.prices_include_tax,
        },
    )
    .map_err(&failed)?;
    let mut replies = vec![Reply::Clinic(ClinicReply::Saved)];
    replies.extend(load(node, session)?);
    Ok(replies)
}

pub(super) fn handle(node: &mut Node, session: &Session, command: ClinicCommand) -> Outcome {
    match command {
        ClinicCommand::Load => load(node, session),
        ClinicCommand::Save(form) => save(node, session, form),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_typed_in_percent() {
        assert_eq!(parse_rate("Standard", "20"), Ok(("standard".into(), 2000)));
        assert_eq!(
            parse_rate("reduced", " 5,5 % "),
            Ok(("reduced".into(), 550))
        );
        assert_eq!(parse_rate("zero", "0"), Ok(("zero".into(), 0)));
        for bad in ["101", "-1", "abc", "", "5.555"] {
            let e = parse_rate("standard", bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidTaxRate, "{bad:?}");
            assert_eq!(e.field, "tax_rate[standard]");
        }
        assert_eq!(parse_rate(" ", "5").unwrap_err().field, "tax_class");
    }
}
