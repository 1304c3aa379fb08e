//! Calendly in: verifying `Calendly-Webhook-Signature` and reading the booking a
//! delivery describes. The HTTP handler is in [`crate::api::calendly`].
//!
//! The header is `t=<unix seconds>,v1=<hex>`, where the hex is HMAC-SHA256 of
//! `"<t>.<raw body>"` keyed by the clinic's webhook signing key (`dermis-hub calendly
//! key --clinic ID`; on a hub with a single clinic, `CALENDLY_WEBHOOK_SIGNING_KEY`).
//! The comparison is constant-time; a timestamp further than the tolerance from now
//! (default 3 minutes) is refused, so a captured request cannot be replayed later.

use std::time::Duration;

use dermis_model::Millis;
use dermis_model::appointment::{AppointmentDraft, AppointmentSource};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

pub use crate::settings::CalendlyOptions;

/// What sealed per-clinic signing keys are for (bound into the seal).
const SEALED_PURPOSE: &str = "calendly-signing-key";

/// Seals a clinic's signing key for the store.
pub fn seal_key(
    secret: &crate::secrets::SecretKey,
    clinic: dermis_model::ClinicId,
    key: &str,
) -> Result<Vec<u8>, crate::secrets::SecretsError> {
    secret.seal(SEALED_PURPOSE, clinic.0.as_bytes(), key.as_bytes())
}

/// Opens a clinic's sealed signing key.
pub fn open_key(
    secret: &crate::secrets::SecretKey,
    clinic: dermis_model::ClinicId,
    sealed: &[u8],
) -> Result<Vec<u8>, crate::secrets::SecretsError> {
    secret.open(SEALED_PURPOSE, clinic.0.as_bytes(), sealed)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the Calendly-Webhook-Signature header is missing")]
    Missing,
    #[error("the Calendly-Webhook-Signature header is not t=…,v1=…")]
    Malformed,
    #[error("the signature's timestamp is too old or too far ahead")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks a `Calendly-Webhook-Signature` header against the raw body.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    key: &[u8],
    now_secs: i64,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut t = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.trim().parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value.trim()),
            _ => {}
        }
    }
    let (Some(t), false) = (t, signatures.is_empty()) else {
        return Err(SignatureError::Malformed);
    };
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now_secs.abs_diff(t) > tolerance.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let matches = signatures.iter().any(|hex_sig| {
        let Ok(tag) = hex::decode(hex_sig) else {
            return false;
        };
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
            return false;
        };
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&tag).is_ok()
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The header value Calendly would send: for tests and the documentation.
pub fn sign(key: &[u8], t: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Debug, Deserialize)]
struct Delivery {
    event: String,
    payload: Invitee,
}

#[derive(Debug, Deserialize)]
struct Invitee {
    uri: String,
    name: Option<String>,
    email: Option<String>,
    /// The number the invitee gave for text reminders, if the event type asks for one.
    text_reminder_number: Option<String>,
    scheduled_event: Option<ScheduledEvent>,
}

#[derive(Debug, Deserialize)]
struct ScheduledEvent {
    name: Option<String>,
    start_time: String,
    end_time: String,
}

/// What a Calendly delivery asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Booking {
    Created {
        invitee_uri: String,
        draft: AppointmentDraft,
    },
    Canceled {
        invitee_uri: String,
    },
    /// Another event type (routing forms, …): acknowledged, nothing done.
    Other {
        event: String,
    },
}

impl Booking {
    /// The idempotency key: the event and the invitee (Calendly sends the same event
    /// again on retries; a rescheduled booking is a new invitee).
    pub fn key(&self) -> Option<String> {
        match self {
            Booking::Created { invitee_uri, .. } => Some(format!("invitee.created:{invitee_uri}")),
            Booking::Canceled { invitee_uri } => Some(format!("invitee.canceled:{invitee_uri}")),
            Booking::Other { .. } => None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BookingError {
    #[error("the body is not a Calendly webhook delivery")]
    Shape,
    #[error("the booking's start or end time is missing or not RFC 3339")]
    Time,
    #[error("the booking is not a valid appointment: {reason}")]
    Invalid { reason: String },
}

fn millis(text: &str) -> Result<Millis, BookingError> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| BookingError::Time)?;
    Millis::try_from(at.unix_timestamp_nanos() / 1_000_000).map_err(|_| BookingError::Time)
}

fn clip(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

/// Reads a delivery's body.
pub fn parse(body: &[u8]) -> Result<Booking, BookingError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| BookingError::Shape)?;
    let event = value
        .get("event")
        .and_then(|e| e.as_str())
        .ok_or(BookingError::Shape)?;
    if event != "invitee.created" && event != "invitee.canceled" {
        return Ok(Booking::Other {
            event: clip(event, 60),
        });
    }
    let delivery: Delivery = serde_json::from_value(value).map_err(|_| BookingError::Shape)?;
    let invitee = delivery.payload;
    if invitee.uri.trim().is_empty() || invitee.uri.len() > 500 {
        return Err(BookingError::Shape);
    }
    if delivery.event == "invitee.canceled" {
        return Ok(Booking::Canceled {
            invitee_uri: invitee.uri,
        });
    }
    let scheduled = invitee.scheduled_event.ok_or(BookingError::Time)?;
    let title = scheduled
        .name
        .as_deref()
        .map(|n| clip(n, 200))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Calendly".into());
    let draft = AppointmentDraft {
        patient_id: None,
        invitee_name: invitee.name.as_deref().map(|n| clip(n, 200)),
        invitee_email: invitee.email.as_deref().map(|e| clip(e, 200)),
        title,
        start: millis(&scheduled.start_time)?,
        end: millis(&scheduled.end_time)?,
        source: AppointmentSource::Calendly,
        external_id: Some(invitee.uri.clone()),
        notes: String::new(),
        clinician_id: None,
        invitee_phone: invitee
            .text_reminder_number
            .as_deref()
            .map(|p| clip(p, 40))
            .filter(|p| !p.is_empty()),
    };
    draft.validate().map_err(|e| BookingError::Invalid {
        reason: e
            .0
            .iter()
            .map(|f| f.field.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    Ok(Booking::Created {
        invitee_uri: invitee.uri,
        draft,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"calendly-signing-key";

    pub fn created(uri: &str) -> Vec<u8> {
        serde_json::json!({
            "event": "invitee.created",
            "created_at": "2026-11-28T01:00:00.000000Z",
            "payload": {
                "uri": uri,
                "name": "Lucía García",
                "email": "lucia@example.es",
                "text_reminder_number": "+34 612 345 678",
                "status": "active",
                "scheduled_event": {
                    "name": "Mole check",
                    "start_time": "2026-12-01T10:00:00.000000Z",
                    "end_time": "2026-12-01T10:30:00.000000Z"
                }
            }
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_good_signature_passes_and_anything_else_is_refused() {
        let body = created("https://api.calendly.com/scheduled_events/E/invitees/I");
        let now = 1_800_000_000;
        let tolerance = Duration::from_secs(180);
        let header = sign(KEY, now - 10, &body);
        assert_eq!(verify(Some(&header), &body, KEY, now, tolerance), Ok(()));
        assert_eq!(
            verify(Some(&header), b"{}", KEY, now, tolerance),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&header), &body, b"other key", now, tolerance),
            Err(SignatureError::Mismatch)
        );
        let old = sign(KEY, now - 181, &body);
        assert_eq!(
            verify(Some(&old), &body, KEY, now, tolerance),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(None, &body, KEY, now, tolerance),
            Err(SignatureError::Missing)
        );
        for bad in ["", "t=1", "v1=00", "t=x,v1=00", "garbage"] {
            assert_eq!(
                verify(Some(bad), &body, KEY, now, tolerance),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        let not_hex = format!("t={now},v1=zz");
        assert_eq!(
            verify(Some(&not_hex), &body, KEY, now, tolerance),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn invitee_created_becomes_an_appointment_draft() {
        let uri = "https://api.calendly.com/scheduled_events/E/invitees/I";
        let booking = parse(&created(uri));
        let Ok(Booking::Created { invitee_uri, draft }) = booking else {
            panic!("{booking:?}")
        };
        assert_eq!(invitee_uri, uri);
        assert_eq!(draft.title, "Mole check");
        assert_eq!(draft.invitee_name.as_deref(), Some("Lucía García"));
        assert_eq!(draft.invitee_phone.as_deref(), Some("+34 612 345 678"));
        assert_eq!(draft.source, AppointmentSource::Calendly);
        assert_eq!(draft.end - draft.start, 30 * 60 * 1000);
        assert_eq!(draft.external_id.as_deref(), Some(uri));
    }

    #[test]
    fn cancellations_other_events_and_bad_bodies() {
        let cancel = serde_json::json!({"event": "invitee.canceled", "payload": {"uri": "u"}});
        assert_eq!(
            parse(cancel.to_string().as_bytes()),
            Ok(Booking::Canceled {
                invitee_uri: "u".into()
            })
        );
        let other = serde_json::json!({"event": "routing_form_submission.created", "payload": {}});
        assert!(matches!(
            parse(other.to_string().as_bytes()),
            Ok(Booking::Other { .. })
        ));
        assert_eq!(parse(b"not json"), Err(BookingError::Shape));
        let backwards = serde_json::json!({
            "event": "invitee.created",
            "payload": {"uri": "u", "name": "A", "scheduled_event": {
                "start_time": "2026-12-01T10:30:00Z", "end_time": "2026-12-01T10:00:00Z"}}
        });
        assert!(matches!(
            parse(backwards.to_string().as_bytes()),
            Err(BookingError::Invalid { .. })
        ));
    }
}
