//! Standard output of the command line. Written through a locked handle, never with
//! `println!` (which panics when the reader has gone): a closed pipe (`| head`) ends the
//! output quietly and the command still exits 0; any other write error is kept and
//! reported once at the end (exit 1).

use std::io::{ErrorKind, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the reader went away: later output is dropped without trying.
static CLOSED: AtomicBool = AtomicBool::new(false);
/// The first write error that was not a closed pipe.
static FAILED: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Writes formatted text to standard output and flushes it.
pub fn emit(args: std::fmt::Arguments<'_>) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::BrokenPipe => CLOSED.store(true, Ordering::Relaxed),
        Err(e) => {
            CLOSED.store(true, Ordering::Relaxed);
            if let Ok(mut failed) = FAILED.lock() {
                failed.get_or_insert(e);
            }
        }
    }
}

/// The write error to report, if output failed for a reason other than a closed pipe.
pub fn take_error() -> Option<std::io::Error> {
    FAILED.lock().ok().and_then(|mut f| f.take())
}

/// `print!` through [`emit`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::emit(format_args!($($arg)*)) };
}

/// `println!` through [`emit`].
macro_rules! outln {
    () => { $crate::cli::out::emit(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::out::emit(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
