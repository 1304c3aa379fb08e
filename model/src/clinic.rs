//! The clinic document: settings (name, currency, tax rates, default locale) and the
//! staff users with their roles and password hashes, so that login works offline on
//! every node of the clinic.

use std::collections::BTreeMap;

use automerge::{ActorId, AutoCommit, ObjId, ReadDoc};
use serde::Serialize;

use crate::doc::{self, DocMeta, DocType, SchemaError};
use crate::validate::{ErrorCode, FieldError, ValidationErrors, text_field};
use crate::{ClinicId, Currency, DocId, UserId};

/// Staff roles. What each may do is [`Role::can`]; the node's command layer checks it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Reception,
    Cashier,
}

/// Things a role may be allowed to do.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Permission {
    /// Demographics: names, contacts, birth date.
    ViewPatients,
    EditPatients,
    /// SOAP notes, diagnoses, allergies, history, photos.
    ViewClinical,
    EditClinical,
    SignEncounter,
    Sell,
    VoidSale,
    ManageStock,
    ManageProducts,
    ManageAppointments,
    ManageUsers,
    ManageSettings,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Doctor,
        Role::Nurse,
        Role::Reception,
        Role::Cashier,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Reception => "reception",
            Role::Cashier => "cashier",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase();
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The permission matrix. A cashier never sees clinical notes; only a doctor signs;
    /// only an admin manages users and settings.
    pub fn can(&self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => permission != SignEncounter,
            Role::Doctor => matches!(
                permission,
                ViewPatients
                    | EditPatients
                    | ViewClinical
                    | EditClinical
                    | SignEncounter
                    | ManageAppointments
            ),
            Role::Nurse => matches!(
                permission,
                ViewPatients
                    | EditPatients
                    | ViewClinical
                    | EditClinical
                    | ManageAppointments
                    | ManageStock
            ),
            Role::Reception => {
                matches!(
                    permission,
                    ViewPatients | EditPatients | ManageAppointments | Sell
                )
            }
            Role::Cashier => matches!(permission, ViewPatients | Sell | ManageStock),
        }
    }
}

/// A staff user as stored in the clinic document.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// An argon2id PHC string. Never serialised: exports and APIs must not carry it.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub active: bool,
}

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Clinic {
    pub id: ClinicId,
    pub name: String,
    pub currency: Currency,
    pub default_locale: String,
    /// Tax class → rate in basis points (2000 = 20 %).
    pub tax_rates: BTreeMap<String, u32>,
    /// Whether product prices include tax (the default) or have it added at the till.
    pub prices_include_tax: bool,
    pub users: Vec<User>,
}

impl Clinic {
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_by_name(&self, username: &str) -> Option<&User> {
        let wanted = username.trim().to_lowercase();
        self.users.iter().find(|u| u.username == wanted)
    }

    pub fn tax_rate(&self, class: &str) -> Option<u32> {
        self.tax_rates.get(class).copied()
    }

    /// How the till prices tax, from [`Clinic::prices_include_tax`].
    pub fn tax_mode(&self) -> crate::ledger::TaxMode {
        crate::ledger::TaxMode::from_prices_include_tax(self.prices_include_tax)
    }
}

/// Clinic settings as validated input.
#[derive(Clone, PartialEq, Debug)]
pub struct ClinicDraft {
    pub name: String,
    pub currency: Currency,
    pub default_locale: String,
    pub tax_rates: BTreeMap<String, u32>,
}

pub const SUPPORTED_LOCALES: [&str; 6] = ["en", "ru", "fr", "uk", "hy", "es"];

impl ClinicDraft {
    /// Sensible defaults for a new clinic: EUR, English, standard/reduced/zero tax.
    pub fn new(name: &str) -> Result<ClinicDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = text_field(&mut errors, "clinic_name", name, true, 200, false);
        let tax_rates = BTreeMap::from([
            ("standard".to_owned(), 2000),
            ("reduced".to_owned(), 1000),
            ("zero".to_owned(), 0),
        ]);
        errors.into_result(())?;
        Ok(ClinicDraft {
            name: name.unwrap_or_default(),
            currency: Currency::EUR,
            default_locale: "en".into(),
            tax_rates,
        })
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        text_field(&mut errors, "clinic_name", &self.name, true, 200, false);
        if !SUPPORTED_LOCALES.contains(&self.default_locale.as_str()) {
            errors.add(
                "locale",
                ErrorCode::InvalidLocale,
                format!("locale must be one of {}", SUPPORTED_LOCALES.join(", ")),
            );
        }
        for (class, rate) in &self.tax_rates {
            if class.is_empty() || class.len() > 32 || *rate > 10_000 {
                errors.add(
                    "tax_class",
                    ErrorCode::InvalidTaxRate,
                    format!("tax class {class:?} must have a rate between 0 and 100 %"),
                );
            }
        }
        errors.into_result(())
    }
}

/// A new user as validated input; the password is hashed by the caller (argon2id).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UserDraft {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

pub const MIN_PASSWORD_CHARS: usize = 8;

/// Validates the fields of a new user before the password is hashed.
pub fn validate_user(
    existing: &Clinic,
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<(String, String, Role), ValidationErrors> {
    validate_user_with(
        |name| existing.user_by_name(name).is_some(),
        username,
        display_name,
        role,
        password,
    )
}

/// The first user of a clinic that does not exist yet (`init --admin`): validated before
/// anything is written.
pub fn validate_first_user(
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<(String, String, Role), ValidationErrors> {
    validate_user_with(|_| false, username, display_name, role, password)
}

fn validate_user_with(
    taken: impl Fn(&str) -> bool,
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> Result<(String, String, Role), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let username = username.trim().to_lowercase();
    let valid_name = (2..=32).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        errors.add(
            "username",
            ErrorCode::InvalidUsername,
            "username must be 2 to 32 letters, digits, dots, dashes or underscores",
        );
    } else if taken(&username) {
        errors.add(
            "username",
            ErrorCode::DuplicateUsername,
            format!("username {username:?} is taken"),
        );
    }
    let display = text_field(&mut errors, "display_name", display_name, true, 100, false);
    let role = Role::parse(role);
    if role.is_none() {
        errors.add(
            "role",
            ErrorCode::InvalidRole,
            "role must be admin, doctor, nurse, reception or cashier",
        );
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(
            FieldError::new(
                "password",
                ErrorCode::WeakPassword,
                format!("password must have at least {MIN_PASSWORD_CHARS} characters"),
            )
            .with_param("min", MIN_PASSWORD_CHARS as i64),
        );
    }
    match (errors.is_empty(), display, role) {
        (true, Some(display), Some(role)) => Ok((username, display, role)),
        _ => Err(errors),
    }
}

/// Creates the clinic document. Its id is the clinic id.
pub fn create_clinic(
    clinic: ClinicId,
    draft: &ClinicDraft,
    actor: ActorId,
) -> Result<AutoCommit, SchemaError> {
    let meta = DocMeta::new(DocType::Clinic, clinic, DocId(clinic.0));
    let mut doc = doc::create(&meta, actor)?;
    doc::ensure_map(&mut doc, &automerge::ROOT, "users")?;
    doc::ensure_map(&mut doc, &automerge::ROOT, "tax_rates")?;
    // Made with the document, so two nodes' first merges add to one map instead of each
    // creating its own (older clinics: `merge::merges` reads both).
    doc::ensure_map(&mut doc, &automerge::ROOT, "merges")?;
    update_clinic(&mut doc, draft)?;
    Ok(doc)
}

pub fn update_clinic(doc: &mut AutoCommit, draft: &ClinicDraft) -> Result<(), SchemaError> {
    let root = automerge::ROOT;
    doc::put_str(doc, &root, "name", &draft.name)?;
    doc::put_str(doc, &root, "currency", draft.currency.code())?;
    doc::put_str(doc, &root, "default_locale", &draft.default_locale)?;
    let rates = doc::ensure_map(doc, &root, "tax_rates")?;
    for (class, rate) in &draft.tax_rates {
        doc::put_i64(doc, &rates, class, i64::from(*rate))?;
    }
    let stale: Vec<String> = doc
        .keys(&rates)
        .filter(|k| !draft.tax_rates.contains_key(k))
        .collect();
    for class in stale {
        automerge::transaction::Transactable::delete(doc, &rates, class.as_str())?;
    }
    Ok(())
}

pub fn add_user(doc: &mut AutoCommit, id: UserId, user: &UserDraft) -> Result<(), SchemaError> {
    let users = doc::ensure_map(doc, &automerge::ROOT, "users")?;
    let obj = doc::ensure_map(doc, &users, &id.to_string())?;
    doc::put_str(doc, &obj, "username", &user.username)?;
    doc::put_str(doc, &obj, "display_name", &user.display_name)?;
    doc::put_str(doc, &obj, "role", user.role.as_str())?;
    doc::put_str(doc, &obj, "password_hash", &user.password_hash)?;
    doc::put_bool(doc, &obj, "active", true)?;
    Ok(())
}

fn user_obj(doc: &AutoCommit, id: UserId) -> Result<ObjId, SchemaError> {
    let users =
        doc::map_at(doc, &automerge::ROOT, "users")?.ok_or_else(|| SchemaError::Missing {
            field: "users".into(),
        })?;
    doc::map_at(doc, &users, &id.to_string())?.ok_or_else(|| SchemaError::Missing {
        field: format!("users.{id}"),
    })
}

pub fn set_user_role(doc: &mut AutoCommit, id: UserId, role: Role) -> Result<(), SchemaError> {
    let obj = user_obj(doc, id)?;
    doc::put_str(doc, &obj, "role", role.as_str())
}

pub fn set_user_active(doc: &mut AutoCommit, id: UserId, active: bool) -> Result<(), SchemaError> {
    let obj = user_obj(doc, id)?;
    doc::put_bool(doc, &obj, "active", active)
}

pub fn set_user_password(
    doc: &mut AutoCommit,
    id: UserId,
    password_hash: &str,
) -> Result<(), SchemaError> {
    let obj = user_obj(doc, id)?;
    doc::put_str(doc, &obj, "password_hash", password_hash)
}

/// Years a patient's record is kept after the last visit, when the clinic has set it.
pub fn retention_years(doc: &impl ReadDoc) -> Result<Option<u32>, SchemaError> {
    match doc::i64_at(doc, &automerge::ROOT, "retention_years")? {
        None => Ok(None),
        Some(y) => Ok(u32::try_from(y).ok().filter(|y| *y > 0)),
    }
}

pub fn set_retention_years(doc: &mut AutoCommit, years: u32) -> Result<(), SchemaError> {
    doc::put_i64(doc, &automerge::ROOT, "retention_years", i64::from(years))
}

/// What a receipt prints about the seller. Each field is empty until an admin sets it.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct Business {
    pub legal_name: String,
    pub address: String,
    pub tax_id: String,
    pub phone: String,
}

impl Business {
    /// The document keys, with the names their CLI flags and errors use.
    pub const FIELDS: [(&'static str, &'static str); 4] = [
        ("legal_name", "legal-name"),
        ("address", "address"),
        ("tax_id", "tax-id"),
        ("phone", "phone"),
    ];
}

pub fn business(doc: &impl ReadDoc) -> Result<Business, SchemaError> {
    let root = automerge::ROOT;
    let get = |key: &str| -> Result<String, SchemaError> {
        Ok(doc::str_at(doc, &root, key)?.unwrap_or_default())
    };
    Ok(Business {
        legal_name: get("legal_name")?,
        address: get("address")?,
        tax_id: get("tax_id")?,
        phone: get("phone")?,
    })
}

/// Validates one business field as typed (`key` a document key of [`Business::FIELDS`]);
/// returns the trimmed value. An address may span lines.
pub fn validate_business_field(key: &str, value: &str) -> Result<String, ValidationErrors> {
    let (field, max, multiline) = match key {
        "legal_name" => ("legal-name", 200, false),
        "address" => ("address", 500, true),
        "tax_id" => ("tax-id", 64, false),
        _ => ("phone", 40, false),
    };
    let mut errors = ValidationErrors::default();
    let value = text_field(&mut errors, field, value, false, max, multiline);
    errors.into_result(value.unwrap_or_default())
}

pub fn set_business_field(doc: &mut AutoCommit, key: &str, value: &str) -> Result<(), SchemaError> {
    doc::put_str(doc, &automerge::ROOT, key, value)
}

/// Sets the rate of one tax class (basis points; 2000 = 20 %).
pub fn set_tax_rate(doc: &mut AutoCommit, class: &str, bps: u32) -> Result<(), SchemaError> {
    let rates = doc::ensure_map(doc, &automerge::ROOT, "tax_rates")?;
    doc::put_i64(doc, &rates, class, i64::from(bps))
}

/// Key of the clinic's "prices include tax" setting. Absent in clinics made before it
/// existed, which read as `true`: their prices always included tax.
const PRICES_INCLUDE_TAX: &str = "prices_include_tax";

pub fn set_prices_include_tax(doc: &mut AutoCommit, included: bool) -> Result<(), SchemaError> {
    doc::put_bool(doc, &automerge::ROOT, PRICES_INCLUDE_TAX, included)
}

/// An erasure as the clinic document records it: which patient, when, by whom, why —
/// nothing else about the patient. Every node drops the patient on reading it, and the
/// id is never stored again.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ErasureRecord {
    pub patient_id: DocId,
    pub at: i64,
    pub by: String,
    pub reason: String,
}

/// Records an erasure under `erasures/<patient id>`; a patient already recorded keeps
/// the first record.
pub fn record_erasure(doc: &mut AutoCommit, record: &ErasureRecord) -> Result<(), SchemaError> {
    let erasures = doc::ensure_map(doc, &automerge::ROOT, "erasures")?;
    let key = record.patient_id.to_string();
    if doc::map_at(doc, &erasures, &key)?.is_some() {
        return Ok(());
    }
    let obj = doc::ensure_map(doc, &erasures, &key)?;
    doc::put_i64(doc, &obj, "at", record.at)?;
    doc::put_str(doc, &obj, "by", &record.by)?;
    doc::put_str(doc, &obj, "reason", &record.reason)?;
    Ok(())
}

/// Every erasure the clinic document records; entries that do not read are skipped (an
/// id that does not parse names no patient).
pub fn erasures(doc: &impl ReadDoc) -> Result<Vec<ErasureRecord>, SchemaError> {
    let mut out = Vec::new();
    let Some(map) = doc::map_at(doc, &automerge::ROOT, "erasures")? else {
        return Ok(out);
    };
    for (key, obj) in doc::map_entries(doc, &map)? {
        let Ok(patient_id) = key.parse() else {
            continue;
        };
        out.push(ErasureRecord {
            patient_id,
            at: doc::i64_at(doc, &obj, "at")?.unwrap_or(0),
            by: doc::str_at(doc, &obj, "by")?.unwrap_or_default(),
            reason: doc::str_at(doc, &obj, "reason")?.unwrap_or_default(),
        });
    }
    Ok(out)
}

pub fn read_clinic(doc: &impl ReadDoc) -> Result<Clinic, SchemaError> {
    let meta = doc::expect_type(doc, DocType::Clinic)?;
    let root = automerge::ROOT;
    let currency = Currency::parse(&doc::required_str(doc, &root, "currency")?).map_err(|_| {
        SchemaError::Invalid {
            field: "currency".into(),
        }
    })?;
    let mut tax_rates = BTreeMap::new();
    if let Some(rates) = doc::map_at(doc, &root, "tax_rates")? {
        for class in doc.keys(&rates) {
            let rate = doc::i64_at(doc, &rates, &class)?.unwrap_or(0);
            tax_rates.insert(class, u32::try_from(rate).unwrap_or(0));
        }
    }
    let mut users = Vec::new();
    if let Some(map) = doc::map_at(doc, &root, "users")? {
        for (key, obj) in doc::map_entries(doc, &map)? {
            let id = key.parse().map_err(|_| SchemaError::Invalid {
                field: format!("users.{key}"),
            })?;
            let role = doc::required_str(doc, &obj, "role")?;
            users.push(User {
                id,
                username: doc::required_str(doc, &obj, "username")?,
                display_name: doc::str_at(doc, &obj, "display_name")?.unwrap_or_default(),
                role: Role::parse(&role).ok_or_else(|| SchemaError::Invalid {
                    field: "role".into(),
                })?,
                password_hash: doc::str_at(doc, &obj, "password_hash")?.unwrap_or_default(),
                active: doc::bool_at(doc, &obj, "active")?.unwrap_or(true),
            });
        }
    }
    Ok(Clinic {
        id: meta.clinic_id,
        name: doc::required_str(doc, &root, "name")?,
        currency,
        default_locale: doc::str_at(doc, &root, "default_locale")?.unwrap_or_else(|| "en".into()),
        tax_rates,
        prices_include_tax: doc::bool_at(doc, &root, PRICES_INCLUDE_TAX)?.unwrap_or(true),
        users,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_matrix_keeps_clinical_notes_from_cashiers() {
        assert!(!Role::Cashier.can(Permission::ViewClinical));
        assert!(!Role::Reception.can(Permission::ViewClinical));
        assert!(Role::Doctor.can(Permission::SignEncounter));
        assert!(!Role::Nurse.can(Permission::SignEncounter));
        assert!(!Role::Admin.can(Permission::SignEncounter));
        assert!(Role::Admin.can(Permission::ManageUsers));
        assert!(!Role::Doctor.can(Permission::ManageUsers));
    }

    #[test]
    fn clinic_round_trips_with_users() {
        let id = ClinicId::new();
        let draft = ClinicDraft::new("Clinique Étoile").expect("valid");
        let mut doc = create_clinic(id, &draft, ActorId::random()).expect("create");
        let clinic = read_clinic(&doc).expect("read");
        let (username, display, role) =
            validate_user(&clinic, "Anna", "Dr Anna", "doctor", "long enough").expect("valid user");
        let user_id = UserId::new();
        add_user(
            &mut doc,
            user_id,
            &UserDraft {
                username,
                display_name: display,
                role,
                password_hash: "$argon2id$x".into(),
            },
        )
        .expect("add");
        let clinic = read_clinic(&doc).expect("read");
        assert_eq!(clinic.name, "Clinique Étoile");
        assert_eq!(clinic.tax_rate("standard"), Some(2000));
        assert!(
            clinic.prices_include_tax,
            "prices include tax unless said otherwise"
        );
        set_prices_include_tax(&mut doc, false).expect("set");
        assert_eq!(
            read_clinic(&doc).expect("read").tax_mode(),
            crate::ledger::TaxMode::Added
        );
        assert_eq!(clinic.user_by_name("ANNA").map(|u| u.id), Some(user_id));
        let dup = validate_user(&clinic, "anna", "Other", "nurse", "long enough").unwrap_err();
        assert_eq!(
            dup.for_field("username").map(|e| e.code),
            Some(ErrorCode::DuplicateUsername)
        );
        let bad = validate_user(&clinic, "x", "", "boss", "short").unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec![
                ErrorCode::InvalidUsername,
                ErrorCode::Required,
                ErrorCode::InvalidRole,
                ErrorCode::WeakPassword
            ]
        );
    }
}
