//! Translation for the window: message lookup in the current language, locale-aware
//! numbers, money and dates, and field errors turned into sentences. Any message the
//! current language lacks is recorded, so a test can render every screen in every
//! language and fail on the first fallback.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use dermis_model::clinic::{Permission, Role};
use dermis_model::{ErrorCode, FieldError, Millis, ValidationErrors};

use super::backend::UiError;
use crate::i18n::{self, FluentArg, Locale, Localizer};

/// Ids asked for that the current language does not have.
pub type MissingMessages = Arc<Mutex<BTreeSet<String>>>;

/// A cheap handle: the shared bundles, the current language and the missing-id record.
#[derive(Clone, Debug)]
pub struct Tr {
    localizer: Localizer,
    pub locale: Locale,
    missing: MissingMessages,
}

/// Field names the model uses that have no `field-<name>` label of their own.
const FIELD_ALIASES: &[(&str, &str)] = &[("qty", "quantity"), ("clinic", "clinic-name")];

impl Tr {
    pub fn new(localizer: Localizer, locale: Locale, missing: MissingMessages) -> Tr {
        Tr {
            localizer,
            locale,
            missing,
        }
    }

    fn check(&self, id: &str) {
        if !self.localizer.has_message(self.locale, id)
            && let Ok(mut missing) = self.missing.lock()
        {
            missing.insert(format!("{}:{id}", self.locale.code()));
        }
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.check(id);
        self.localizer.t(self.locale, id)
    }

    /// Whether the app ships a message `id` (in English, the reference). Lets a screen
    /// show a code it has no label for (a clinic's own tax class) as it is.
    pub fn known(&self, id: &str) -> bool {
        self.localizer.has_message(Locale::En, id)
    }

    /// The message `id` if the app ships one, else `fallback` as it is.
    pub fn t_or(&self, id: &str, fallback: &str) -> String {
        if self.known(id) {
            self.t(id)
        } else {
            fallback.to_owned()
        }
    }

    /// The message `id` with variables.
    pub fn t_args(&self, id: &str, args: &[(&str, FluentArg<'_>)]) -> String {
        self.check(id);
        self.localizer.t_args(self.locale, id, args)
    }

    /// A plural message taking `$count`.
    pub fn count(&self, id: &str, count: i64) -> String {
        self.t_args(id, &[("count", count.into())])
    }

    pub fn int(&self, value: i64) -> String {
        i18n::format_integer(value, self.locale)
    }

    pub fn money(&self, minor: i64, currency: &str) -> String {
        i18n::format_money(minor, currency, self.locale)
    }

    pub fn date(&self, date: time::Date) -> String {
        i18n::format_date(date, self.locale)
    }

    /// A stored `YYYY-MM-DD` date in the locale's way; other text is shown as it is.
    pub fn stored_date(&self, text: &str) -> String {
        dermis_model::validate::parse_stored_date(text)
            .map(|d| self.date(d))
            .unwrap_or_else(|| text.to_owned())
    }

    /// An instant, in UTC (the node does not know the clinic's time zone yet).
    pub fn datetime(&self, at: Millis) -> String {
        i18n::format_datetime(utc(at), self.locale)
    }

    pub fn time(&self, at: Millis) -> String {
        i18n::format_time(utc(at).time(), self.locale)
    }

    /// How long ago an instant was, in whole minutes, hours or days.
    pub fn age(&self, at: Millis, now: Millis) -> String {
        let minutes = (now - at).max(0) / 60_000;
        if minutes < 1 {
            self.t("gui-age-now")
        } else if minutes < 60 {
            self.count("gui-age-minutes", minutes)
        } else if minutes < 48 * 60 {
            self.count("gui-age-hours", minutes / 60)
        } else {
            self.count("gui-age-days", minutes / (24 * 60))
        }
    }

    pub fn role(&self, role: Role) -> String {
        self.t(&i18n::message_id("role", role.as_str()))
    }

    /// The label of a field as the model names it (`birth_date`, `item[2].qty`).
    pub fn field_label(&self, field: &str) -> String {
        let last = field
            .rsplit('.')
            .next()
            .unwrap_or(field)
            .split('[')
            .next()
            .unwrap_or(field);
        let name = last.replace('_', "-");
        let name = FIELD_ALIASES
            .iter()
            .find(|(from, _)| *from == name)
            .map_or(name.as_str(), |(_, to)| to);
        for id in [format!("field-{name}"), format!("gui-field-{name}")] {
            if self.localizer.has_message(Locale::En, &id) {
                return self.t(&id);
            }
        }
        self.t("gui-field-other")
    }

    /// A validation error as a sentence naming the translated field.
    pub fn field_error(&self, error: &FieldError) -> String {
        let field = self.field_label(&error.field);
        let id = i18n::message_id("error", error.code.as_str());
        let mut args: Vec<(&str, FluentArg<'_>)> = vec![("field", field.into())];
        for (name, value) in &error.params {
            let value: FluentArg<'_> = if error.code == ErrorCode::FileTooLarge {
                // The file-size limit is shown with its unit, as the message expects.
                self.t_args("gui-size-mb", &[("mb", (*value / (1024 * 1024)).into())])
                    .into()
            } else {
                (*value).into()
            };
            args.push((name.as_str(), value));
        }
        self.t_args(&id, &args)
    }

    /// One sentence for any failure: the first field error, or what went wrong.
    pub fn ui_error(&self, error: &UiError) -> String {
        match error {
            UiError::Invalid(errors) => errors
                .0
                .first()
                .map(|e| self.field_error(e))
                .unwrap_or_else(|| self.t("gui-error-storage")),
            UiError::Denied(permission) => self.t_args(
                "gui-error-denied",
                &[("action", self.permission(*permission).into())],
            ),
            UiError::Unreadable => self.t("gui-error-unreadable"),
            UiError::Storage => self.t("gui-error-storage"),
            UiError::DiskFull => self.t("gui-error-disk-full"),
            UiError::Busy => self.t("gui-error-busy"),
            UiError::PhotoUnavailable => self.t("gui-error-photo-unavailable"),
            UiError::Unwritable => self.t("gui-error-unwritable"),
        }
    }

    /// The errors of `field` in `errors`, each a sentence.
    pub fn errors_for(&self, errors: &ValidationErrors, field: &str) -> Vec<String> {
        errors
            .0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| self.field_error(e))
            .collect()
    }

    fn permission(&self, permission: Permission) -> String {
        let code = match permission {
            Permission::ViewPatients => "view-patients",
            Permission::EditPatients => "edit-patients",
            Permission::ViewClinical => "view-clinical",
            Permission::EditClinical => "edit-clinical",
            Permission::SignEncounter => "sign-encounter",
            Permission::Sell => "sell",
            Permission::VoidSale => "void-sale",
            Permission::ManageStock => "manage-stock",
            Permission::ManageProducts => "manage-products",
            Permission::ManageAppointments => "manage-appointments",
            Permission::ManageUsers => "manage-users",
            Permission::ManageSettings => "manage-settings",
        };
        self.t(&format!("gui-permission-{code}"))
    }
}

fn utc(at: Millis) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(locale: Locale) -> (Tr, MissingMessages) {
        let missing = MissingMessages::default();
        (Tr::new(Localizer::new(), locale, missing.clone()), missing)
    }

    #[test]
    fn a_missing_message_is_recorded_with_its_locale() {
        let (tr, missing) = tr(Locale::Hy);
        tr.t("gui-nav-patients");
        assert!(missing.lock().expect("lock").is_empty());
        tr.t("gui-no-such-message");
        assert_eq!(
            missing
                .lock()
                .expect("lock")
                .iter()
                .cloned()
                .collect::<Vec<_>>(),
            vec!["hy:gui-no-such-message".to_owned()]
        );
    }

    #[test]
    fn field_errors_name_the_translated_field() {
        let (tr, missing) = tr(Locale::Ru);
        let error = FieldError::new("last_name", ErrorCode::Required, "last_name is required");
        assert!(
            tr.field_error(&error).contains("Фамилия"),
            "{}",
            tr.field_error(&error)
        );
        let qty =
            FieldError::new("item[2].qty", ErrorCode::InvalidQuantity, "x").with_param("min", 1);
        let text = tr.field_error(&qty);
        assert!(
            text.contains('1') && text.contains(&tr.t("field-quantity")),
            "{text}"
        );
        let big = FieldError::new("file", ErrorCode::FileTooLarge, "x")
            .with_param("max", 25 * 1024 * 1024);
        assert!(
            tr.field_error(&big).contains("25"),
            "{}",
            tr.field_error(&big)
        );
        assert!(missing.lock().expect("lock").is_empty());
    }

    #[test]
    fn ages_use_plural_units() {
        let (tr, _) = tr(Locale::En);
        assert_eq!(tr.age(0, 30_000), "less than a minute");
        assert_eq!(tr.age(0, 5 * 60_000), "5 minutes");
        assert_eq!(tr.age(0, 60 * 60_000), "1 hour");
        assert_eq!(tr.age(0, 72 * 3_600_000), "3 days");
    }
}
