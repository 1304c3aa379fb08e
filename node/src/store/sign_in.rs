//! Failed sign-ins on this workstation (`sign_in_failures`): the counts behind the
//! lockout. The policy (how long a lock lasts) is the caller's; this keeps the numbers.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// What is on record for one user name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    /// Failed attempts since the last successful sign-in.
    pub count: u32,
    /// Unix milliseconds before which no attempt is checked (0: not locked).
    pub locked_until: i64,
}

impl Store {
    /// The failures on record for `username` (compared case-insensitively).
    pub fn sign_in_failures(&self, username: &str) -> Result<Failures, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT failures, locked_until FROM sign_in_failures WHERE username = ?1",
                params![key(username)],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?;
        Ok(
            row.map_or_else(Failures::default, |(count, locked_until)| Failures {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                locked_until,
            }),
        )
    }

    /// Records one more failure and the lock it earned; returns the new record. One
    /// statement, so two processes failing at once both count.
    pub fn record_sign_in_failure(
        &self,
        username: &str,
        lock_for: impl Fn(u32) -> i64,
        now: i64,
    ) -> Result<Failures, StoreError> {
        let tx = rusqlite::Transaction::new_unchecked(
            self.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let before: i64 = tx
            .query_row(
                "SELECT failures FROM sign_in_failures WHERE username = ?1",
                params![key(username)],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let count = u32::try_from(before).unwrap_or(u32::MAX).saturating_add(1);
        let lock = lock_for(count);
        let locked_until = if lock > 0 {
            now.saturating_add(lock)
        } else {
            0
        };
        tx.execute(
            "INSERT INTO sign_in_failures (username, failures, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT (username) DO UPDATE SET failures = ?2, locked_until = ?3",
            params![key(username), i64::from(count), locked_until],
        )?;
        tx.commit()?;
        Ok(Failures {
            count,
            locked_until,
        })
    }

    /// A successful sign-in clears the record.
    pub fn clear_sign_in_failures(&self, username: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM sign_in_failures WHERE username = ?1",
            params![key(username)],
        )?;
        Ok(())
    }
}

fn key(username: &str) -> String {
    username.trim().to_lowercase()
}
