//! What tests and benchmarks that drive the window frame by frame may ask of it, and
//! the few things they may do to it that no screen offers.

use std::time::Duration;

use super::{DermisApp, Phase};
use crate::gui::backend::{Command, SessionInfo};
use crate::gui::screens::Screen;
use crate::i18n::Locale;

impl DermisApp {
    /// Message ids the current languages lacked while drawing, as `locale:id`.
    pub fn missing_messages(&self) -> Vec<String> {
        self.missing
            .lock()
            .map(|m| m.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether every command has been sent, run and answered.
    pub fn is_idle(&mut self) -> bool {
        self.outbox.is_empty() && self.backend.is_idle()
    }

    /// Blocks until the backend has a reply, at most `timeout`.
    pub fn wait_for_backend(&mut self, timeout: Duration) -> bool {
        self.backend.wait_for_reply(timeout)
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn set_locale(&mut self, locale: Locale) {
        self.locale = locale;
    }

    pub fn session(&self) -> Option<&SessionInfo> {
        self.session.as_ref()
    }

    /// How many of `sku` the till's cart holds.
    pub fn pos_cart_quantity(&self, sku: &str) -> Option<i64> {
        self.s.pos.cart.iter().find(|e| e.sku == sku).map(|e| e.qty)
    }

    /// How many lines the till's cart holds.
    pub fn pos_cart_lines(&self) -> usize {
        self.s.pos.cart.len()
    }

    /// Whether the till's cart, as it is now, has its totals quoted.
    pub fn pos_quoted(&self) -> bool {
        self.s.pos.is_quoted()
    }

    /// The receipt number the till shows after a sale.
    pub fn pos_receipt(&self) -> Option<&str> {
        self.s.pos.receipt.as_ref().map(|s| s.receipt.as_str())
    }

    /// Queues a command as if a screen had sent it: how tests reach the backend's own
    /// checks behind a button the window disables.
    #[doc(hidden)]
    pub fn send_command(&mut self, command: Command) {
        self.send(command);
    }

    /// The page of the sales journal on screen.
    pub fn journal_page(&self) -> Option<&crate::ops::journal::JournalPage> {
        self.s.journal.page.as_ref()
    }

    /// The journal's entry open, once loaded.
    pub fn journal_sale(&self) -> Option<&crate::ops::journal::SaleDetail> {
        self.s.journal.detail.as_ref()
    }

    /// Whether the login screen is showing.
    pub fn at_login(&self) -> bool {
        matches!(self.phase, Phase::Login(_))
    }

    /// Moves the last input `by` into the past, as if nobody had touched the window
    /// since: how tests reach the idle lock without waiting for it.
    #[doc(hidden)]
    pub fn backdate_last_input(&mut self, by: Duration) {
        self.last_input = self.last_input.checked_sub(by).unwrap_or(self.last_input);
    }

    /// Whether the lock screen is showing.
    pub fn is_locked(&self) -> bool {
        matches!(self.phase, Phase::Locked(_))
    }

    /// Whether the first-run screen is showing.
    pub fn at_setup(&self) -> bool {
        matches!(self.phase, Phase::Setup(_))
    }

    /// How many patients the search on screen found, once the answer to what is typed
    /// now has arrived (`None` while it is on its way): how benches see a search succeed.
    #[doc(hidden)]
    pub fn patients_found(&self) -> Option<usize> {
        let p = &self.s.patients;
        (p.loaded && p.shown == p.generation).then_some(p.rows.len())
    }

    /// Whether the current screen has its data and nothing is waiting.
    pub fn settled(&mut self) -> bool {
        self.is_idle() && (!matches!(self.phase, Phase::Main) || self.screen_loaded())
    }
}
