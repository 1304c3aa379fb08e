//! Who a command acts as. Once the clinic has a staff user, a command that reads or
//! writes clinic data signs in as one (`--user`/`DERMIS_USER`, the password from
//! `DERMIS_PASSWORD` or the terminal) and the window's role rules apply to it. A node
//! with no staff user yet acts as its operator, so first setup and scripts work.

use crate::node::{Node, Session};
use crate::ops::users::{self, Login};

/// Why a command could not act as a staff user: exit 3, and the message says which.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(
        "not signed in: this clinic has staff users, so pass --user NAME (or set DERMIS_USER) with the password in DERMIS_PASSWORD or at the prompt"
    )]
    NoUser,
    #[error(
        "not signed in: no password for {username} (set DERMIS_PASSWORD, or run on a terminal to be asked)"
    )]
    NoPassword { username: String },
    #[error("sign-in failed: wrong user name or password")]
    Refused,
    #[error(
        "sign-in locked: too many failed sign-ins for {username} on this workstation; try again in {seconds} s"
    )]
    LockedOut { username: String, seconds: i64 },
}

/// The session for a command that touches clinic data.
pub fn session(node: &mut Node, user: Option<&str>) -> Result<Session, super::CliError> {
    if node.clinic()?.users.is_empty() {
        return Ok(Session::operator());
    }
    let username = user
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or(SignInError::NoUser)?;
    let password = match std::env::var("DERMIS_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            super::prompt::secret(&format!("Password for {username}: ")).ok_or_else(|| {
                SignInError::NoPassword {
                    username: username.to_owned(),
                }
            })?
        }
    };
    match users::login(node, username, &password)? {
        Login::SignedIn(session) => Ok(session),
        Login::Refused => Err(SignInError::Refused.into()),
        Login::LockedOut { until } => Err(SignInError::LockedOut {
            username: username.to_owned(),
            seconds: ((until - crate::node::now()) + 999).max(1000) / 1000,
        }
        .into()),
    }
}
