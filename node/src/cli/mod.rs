//! The command line. Its shape is a contract (scripts are built against it): exit 0 on
//! success, 2 on invalid input (the message names the field; nothing is written), 1 on
//! any other error with a clear message.

mod args;
mod print;
mod run;

pub use args::Cli;

use crate::node::OpError;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_INVALID: i32 = 2;

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
    match run::run(cli) {
        Ok(()) => EXIT_OK,
        Err(e) => report(&e),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DERMIS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
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
    #[error("{0}")]
    Other(String),
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::Op(OpError::Store(e))
    }
}

fn report(e: &CliError) -> i32 {
    match e {
        CliError::Op(OpError::Invalid(errors)) => {
            eprintln!("error: invalid input");
            for fe in &errors.0 {
                eprintln!("  {}: {}", fe.field, fe.message);
            }
            EXIT_INVALID
        }
        CliError::Usage { field, message } => {
            eprintln!("error: invalid input\n  {field}: {message}");
            EXIT_INVALID
        }
        CliError::Op(OpError::Denied { permission }) => {
            eprintln!("error: permission denied ({permission:?})");
            EXIT_ERROR
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
