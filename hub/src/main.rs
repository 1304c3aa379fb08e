//! `dermis-hub`: parses the command line, loads the configuration, sets up logging and
//! runs the command (see `dermis_hub::cli`).

use std::process::ExitCode;

use clap::Parser;
use dermis_hub::cli::{self, Cli, Command};
use dermis_hub::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

fn init_logging(format: LogFormat, serving: bool) {
    // Admin commands print results on stdout; logs go to stderr and stay quiet there.
    // automerge logs an ERROR line each time the strict parse of an incremental push
    // (sync::apply) finds that the bytes are changes on top of a document rather than a
    // whole one: expected, and reported through our own results when it matters.
    let default = if serving {
        "info,automerge=off"
    } else {
        "warn,automerge=off"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(|name| std::env::var(name).ok(), cli.data_dir.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("dermis-hub: {e}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    init_logging(config.log_format, matches!(command, Command::Serve));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("dermis-hub: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dermis-hub: {e:#}");
            if e.downcast_ref::<cli::Refused>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
