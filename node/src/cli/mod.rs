//! The command line. Its shape is a contract (scripts are built against it): exit 0 on
//! success, 2 on invalid input (the message names the field; nothing is written), 3 when
//! not signed in or not permitted, 1 on any other error with a clear message.

mod args;
mod audit;
mod backup;
mod calendar;
mod clinical;
mod document;
mod erasure;
mod link;
mod out;
mod pos;
mod print;
mod prompt;
mod records;
mod run;
mod signin;
mod stock;

pub use args::Cli;

use crate::i18n::{FluentArg, Locale, Localizer};
use crate::node::OpError;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_INVALID: i32 = 2;
/// Not signed in, a wrong password, a locked user or a role that may not do it.
pub const EXIT_DENIED: i32 = 3;

/// Parses the arguments, runs the command and returns the process exit code.
pub fn main() -> i32 {
    use clap::Parser;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_INVALID
            } else {
                EXIT_OK
            };
        }
    };
    init_tracing();
    let locale = match cli.locale.as_deref().map(Locale::parse) {
        Some(Ok(locale)) => locale,
        Some(Err(e)) => {
            return report(
                &CliError::Usage {
                    field: "locale".into(),
                    message: e.to_string(),
                },
                Locale::En,
            );
        }
        None => Locale::from_env(),
    };
    let result = run::run(cli).and_then(|()| match out::take_error() {
        Some(e) => Err(CliError::Other(format!("cannot write the output: {e}"))),
        None => Ok(()),
    });
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => report(&e, locale),
    }
}

/// The message of a field error in the chosen language. The English text comes from the
/// model (it can quote the bad value); other languages use the Fluent catalog.
fn localized(e: &dermis_model::FieldError, locale: Locale) -> String {
    if locale == Locale::En {
        return e.message.clone();
    }
    let localizer = Localizer::new();
    let base = e.field.rsplit('.').next().unwrap_or(&e.field);
    let base = base.split('[').next().unwrap_or(base);
    let key = match base {
        "qty" => "quantity".to_owned(),
        other => other.replace('_', "-"),
    };
    let label_id = format!("field-{key}");
    let label = if localizer.has_message(locale, &label_id) {
        localizer.t(locale, &label_id)
    } else {
        e.field.clone()
    };
    let mut args: Vec<(&str, FluentArg<'_>)> = vec![("field", FluentArg::from(label))];
    for (name, value) in &e.params {
        args.push((name.as_str(), FluentArg::from(*value)));
    }
    let id = crate::i18n::message_id("error", e.code.as_str());
    if localizer.has_message(locale, &id) {
        localizer.t_args(locale, &id, &args)
    } else {
        e.message.clone()
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DERMIS_LOG")
        // automerge's own ERROR lines on an expected partial parse (see sync::apply).
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,automerge=off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// An error from a command, mapped to its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Op(#[from] OpError),
    #[error("{message}")]
    Usage { field: String, message: String },
    #[error(transparent)]
    SignIn(#[from] signin::SignInError),
    #[error("{0}")]
    Other(String),
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::Op(OpError::Store(e))
    }
}

/// A permission as the refusal names it.
fn what_it_allows(permission: dermis_model::clinic::Permission) -> &'static str {
    use dermis_model::clinic::Permission as P;
    match permission {
        P::ViewPatients => "see patients",
        P::EditPatients => "edit patients",
        P::ViewClinical => "see clinical records",
        P::EditClinical => "edit clinical records",
        P::SignEncounter => "sign encounters",
        P::Sell => "sell",
        P::VoidSale => "void sales",
        P::ManageStock => "manage stock",
        P::ManageProducts => "manage products",
        P::ManageAppointments => "manage appointments",
        P::ManageUsers => "manage staff users",
        P::ManageSettings => "administer the clinic (settings, export, demo data)",
    }
}

fn report(e: &CliError, locale: Locale) -> i32 {
    match e {
        CliError::Op(OpError::Invalid(errors)) => {
            eprintln!("error: invalid input");
            for fe in &errors.0 {
                eprintln!("  {}: {}", fe.field, localized(fe, locale));
            }
            EXIT_INVALID
        }
        CliError::Usage { field, message } => {
            eprintln!("error: invalid input\n  {field}: {message}");
            EXIT_INVALID
        }
        CliError::Op(OpError::Denied { permission }) => {
            eprintln!(
                "error: permission denied: your role may not {}",
                what_it_allows(*permission)
            );
            EXIT_DENIED
        }
        CliError::SignIn(e) => {
            eprintln!("error: {e}");
            EXIT_DENIED
        }
        other => {
            let mut message = format!("error: {other}");
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            eprintln!("{message}");
            EXIT_ERROR
        }
    }
}
