//! Asking for a secret on the terminal without echoing it. Only someone at a terminal
//! is asked (standard input or standard error is one; the answer is read from the
//! controlling terminal, as sudo does, since standard input may carry data such as a new
//! user's password); a script, a service or a test gets its secrets from the
//! environment instead and is never left waiting.

use std::io::{BufRead, Write};

/// Reads one line from the controlling terminal with echo off; `None` when there is no
/// terminal (a script, CI, a service) or it cannot be read.
pub fn secret(prompt: &str) -> Option<String> {
    imp::secret(prompt)
}

#[cfg(unix)]
mod imp {
    use super::{BufRead, Write};
    use rustix::termios::{self, LocalModes, OptionalActions};

    pub fn secret(prompt: &str) -> Option<String> {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
            return None;
        }
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        let saved = termios::tcgetattr(&tty).ok()?;
        let mut quiet = saved.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        quiet.local_modes.insert(LocalModes::ECHONL);
        termios::tcsetattr(&tty, OptionalActions::Flush, &quiet).ok()?;
        let mut line = String::new();
        let read = (|| {
            let mut writer = &tty;
            writer.write_all(prompt.as_bytes())?;
            writer.flush()?;
            std::io::BufReader::new(&tty).read_line(&mut line)
        })();
        // Echo comes back whatever happened, before anything else is printed.
        let _ = termios::tcsetattr(&tty, OptionalActions::Flush, &saved);
        read.ok()?;
        Some(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

#[cfg(not(unix))]
mod imp {
    use super::{BufRead, Write};
    use std::io::IsTerminal;

    pub fn secret(prompt: &str) -> Option<String> {
        if !std::io::stdin().is_terminal() {
            return None;
        }
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).ok()?;
        Some(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}
