//! `POST /api/integrations/calendly/{clinic_id}`: Calendly's webhook deliveries for one
//! clinic. The signature is checked on the raw body, with that clinic's own signing key
//! only, before anything else is read; a
//! booking (`invitee.created`) becomes an appointment document written by the hub
//! (`docwrite::create_doc`), a cancellation (`invitee.canceled`) sets that document's
//! status; nodes receive either by sync. Each delivery is handled once: Calendly's
//! retries and replays answer `duplicate`.
//!
//! Invitee names and e-mail addresses are patient data: they go into the document and
//! nowhere else (no log line, no error message).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use dermis_model::appointment::{AppointmentStatus, create_appointment, set_status};
use dermis_model::{AppointmentId, ClinicId, now_millis};
use dermis_sync::driver::error_chain;
use serde::Serialize;
use uuid::Uuid;

use crate::docwrite::{self, WriteError};
use crate::reply::{error, unavailable};
use crate::state::Hub;
use crate::store::HubStore;
use crate::webhooks::calendly::{self, Booking, BookingError, SignatureError};

/// How long a claimed delivery may be in hand before a retry of it takes over (the
/// hub handling it died).
const CLAIM_TIMEOUT_MS: i64 = 5 * 60 * 1000;

/// The header Calendly signs its deliveries with.
pub const SIGNATURE_HEADER: &str = "calendly-webhook-signature";

/// What became of a delivery.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendlyAnswer {
    /// `created` (a new appointment), `canceled`, `duplicate` (handled before),
    /// `ignored` (an event type Dermis does not use, or a cancellation of a booking it
    /// has not received: the booking, should it come later, is stored cancelled).
    pub status: &'static str,
    /// The appointment document, when there is one.
    pub appointment_id: Option<Uuid>,
}

fn answer(status: &'static str, appointment_id: Option<Uuid>) -> Response {
    (
        StatusCode::OK,
        Json(CalendlyAnswer {
            status,
            appointment_id,
        }),
    )
        .into_response()
}

fn unknown_clinic() -> Response {
    error(StatusCode::NOT_FOUND, "unknown_clinic", "no such clinic")
}

/// Receives a Calendly webhook delivery.
#[utoipa::path(
    post,
    path = "/api/integrations/calendly/{clinic_id}",
    tag = "integrations",
    params(
        ("clinic_id" = Uuid, Path, description = "The clinic the bookings are for"),
        ("Calendly-Webhook-Signature" = String, Header,
         description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\" with the signing key>"),
    ),
    request_body(
        content = String,
        content_type = "application/json",
        description = "A Calendly webhook delivery (API v2): `invitee.created` or `invitee.canceled`"
    ),
    responses(
        (status = 200, description = "Handled (or handled before)", body = CalendlyAnswer),
        (status = 400, description = "`stale_timestamp`: the signature is older than CALENDLY_TOLERANCE_SECONDS (default 180) or too far ahead; `bad_request`: not a Calendly delivery", body = crate::api::ErrorBody),
        (status = 401, description = "`invalid_signature`: missing, malformed or wrong signature", body = crate::api::ErrorBody),
        (status = 404, description = "`unknown_clinic`", body = crate::api::ErrorBody),
        (status = 422, description = "`invalid_booking`: the booking is not a valid appointment (e.g. it ends before it starts)", body = crate::api::ErrorBody),
        (status = 503, description = "`not_configured`: the clinic has no Calendly signing key (`dermis-hub calendly key --clinic ID`; CALENDLY_WEBHOOK_SIGNING_KEY counts only on a hub with exactly one clinic), or it cannot be opened (HUB_SECRET_KEY); `unavailable`: the database is unreachable", body = crate::api::ErrorBody),
    )
)]
pub async fn receive<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(clinic): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(clinic) = Uuid::parse_str(&clinic).map(ClinicId) else {
        return unknown_clinic();
    };
    match hub.store.clinic_exists(clinic).await {
        Ok(true) => {}
        Ok(false) => return unknown_clinic(),
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "calendly: cannot read the clinic");
            return unavailable();
        }
    }
    let key = match signing_key(&hub, clinic).await {
        Ok(key) => key,
        Err(response) => return response,
    };
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let now_secs = now_millis().div_euclid(1000);
    match calendly::verify(
        header,
        &body,
        &key,
        now_secs,
        hub.options.calendly.tolerance,
    ) {
        Ok(()) => {}
        Err(SignatureError::Stale) => {
            return error(
                StatusCode::BAD_REQUEST,
                "stale_timestamp",
                "the signature's timestamp is outside the accepted window",
            );
        }
        Err(e) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "invalid_signature",
                &e.to_string(),
            );
        }
    }
    let booking = match calendly::parse(&body) {
        Ok(booking) => booking,
        Err(e @ BookingError::Invalid { .. }) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_booking",
                &e.to_string(),
            );
        }
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", &e.to_string()),
    };
    let Some(key) = booking.key().map(|k| scoped(clinic, &k)) else {
        return answer("ignored", None);
    };
    let now = now_millis();
    let stale_before = now.saturating_sub(CLAIM_TIMEOUT_MS);
    match hub
        .store
        .calendly_claim(&key, clinic, now, stale_before)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            let uri = match &booking {
                Booking::Created { invitee_uri, .. } | Booking::Canceled { invitee_uri } => {
                    invitee_uri.as_str()
                }
                Booking::Other { .. } => "",
            };
            let existing = hub
                .store
                .calendly_appointment(clinic, uri)
                .await
                .ok()
                .flatten();
            return answer("duplicate", existing);
        }
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "calendly: cannot record the delivery");
            return unavailable();
        }
    }
    let handled = handle(&hub, clinic, booking).await;
    let settled = match &handled {
        Ok(_) => hub.store.calendly_done(&key).await,
        Err(_) => hub.store.calendly_release(&key).await,
    };
    if let Err(e) = settled {
        // A claim left open is taken over by Calendly's retry after the timeout.
        tracing::warn!(error = %error_chain(&e), "calendly: cannot settle the delivery's claim");
    }
    match handled {
        Ok(response) => response,
        Err(e) => {
            tracing::warn!(%clinic, error = %error_chain(&e), "calendly: the delivery failed");
            unavailable()
        }
    }
}

/// A delivery's idempotency key within its clinic: what one clinic's deliveries claim
/// never blocks another's.
fn scoped(clinic: ClinicId, key: &str) -> String {
    format!("{clinic}/{key}")
}

fn not_configured(message: &str) -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "not_configured", message)
}

/// The key deliveries for `clinic` are signed with: the clinic's own (sealed in the
/// store), or — only on a hub with exactly one clinic — `CALENDLY_WEBHOOK_SIGNING_KEY`.
/// One clinic's key never opens another clinic's endpoint.
async fn signing_key<S: HubStore>(hub: &Hub<S>, clinic: ClinicId) -> Result<Vec<u8>, Response> {
    let options = &hub.options.calendly;
    let sealed = hub.store.calendly_key(clinic).await.map_err(|e| {
        tracing::warn!(error = %error_chain(&e), "calendly: cannot read the clinic's key");
        unavailable()
    })?;
    if let Some(sealed) = sealed {
        let Some(secret) = &options.secret_key else {
            tracing::error!(%clinic, "calendly: the clinic's signing key is stored sealed, but this hub has no HUB_SECRET_KEY (or secret.key) to open it");
            return Err(not_configured(
                "this clinic's Calendly key cannot be read on this hub (HUB_SECRET_KEY)",
            ));
        };
        return calendly::open_key(secret, clinic, &sealed).map_err(|e| {
            tracing::error!(%clinic, error = %e, "calendly: cannot open the clinic's signing key");
            not_configured("this clinic's Calendly key cannot be read on this hub (HUB_SECRET_KEY)")
        });
    }
    let Some(global) = &options.signing_key else {
        return Err(not_configured(
            "Calendly is not configured for this clinic (dermis-hub calendly key --clinic ID)",
        ));
    };
    match hub.store.clinic_count().await {
        Ok(1) => Ok(global.expose().as_bytes().to_vec()),
        Ok(_) => Err(not_configured(
            "this hub has several clinics: CALENDLY_WEBHOOK_SIGNING_KEY is not accepted; set this clinic's own key (dermis-hub calendly key --clinic ID)",
        )),
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "calendly: cannot count the clinics");
            Err(unavailable())
        }
    }
}

async fn handle<S: HubStore>(
    hub: &Hub<S>,
    clinic: ClinicId,
    booking: Booking,
) -> Result<Response, WriteError> {
    match booking {
        Booking::Created { invitee_uri, draft } => {
            let id = AppointmentId::new();
            let mut doc = create_appointment(id, clinic, &draft, automerge::ActorId::random())
                .map_err(|e| WriteError::Edit {
                    id: id.0,
                    reason: e.to_string(),
                })?;
            // Calendly does not promise order: a cancellation that came first stands.
            let canceled = Booking::Canceled {
                invitee_uri: invitee_uri.clone(),
            };
            if let Some(key) = canceled.key().map(|k| scoped(clinic, &k))
                && hub.store.calendly_handled(&key).await?
            {
                set_status(&mut doc, AppointmentStatus::Canceled).map_err(|e| {
                    WriteError::Edit {
                        id: id.0,
                        reason: e.to_string(),
                    }
                })?;
            }
            docwrite::create_doc(hub, clinic, id.0, &mut doc).await?;
            hub.store.calendly_link(clinic, &invitee_uri, id.0).await?;
            tracing::info!(%clinic, appointment = %id.0, "calendly booking stored");
            Ok(answer("created", Some(id.0)))
        }
        Booking::Canceled { invitee_uri } => {
            let Some(doc) = hub.store.calendly_appointment(clinic, &invitee_uri).await? else {
                return Ok(answer("ignored", None));
            };
            docwrite::edit_doc(hub, clinic, doc, |doc| {
                set_status(doc, AppointmentStatus::Canceled).map_err(|e| e.to_string())
            })
            .await?;
            tracing::info!(%clinic, appointment = %doc, "calendly cancellation stored");
            Ok(answer("canceled", Some(doc)))
        }
        Booking::Other { .. } => Ok(answer("ignored", None)),
    }
}
