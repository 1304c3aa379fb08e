//! One delivery attempt: POST the event to the webhook's URL, signed, to the address
//! that passed the private-address check; record the attempt (status code or error,
//! and how long it took) with the delivery's new state, in one write.
//!
//! 2xx is delivered. Anything else is retried with exponential backoff
//! ([`WebhookOptions::backoff`]) until [`WebhookOptions::retry_window`] after the event
//! (24 h), then the delivery is dead. A URL refused by `WEBHOOK_BLOCK_PRIVATE` and a
//! removed webhook are dead at once. Redirects are not followed (a redirect could lead
//! to an address the check never saw), and proxy variables are ignored (a proxy would
//! resolve the name itself). The request body never appears in a log line.

use std::time::{Duration, Instant};

use dermis_model::Millis;
use serde_json::json;

use super::sign;
use super::target::{self, TargetError};
use crate::metrics::Metrics;
pub use crate::settings::WebhookOptions;
use crate::store::StoreError;
use crate::store::hooks::{Attempt, AttemptOutcome, DeliveryTarget, HookStore, state};

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

/// What became of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Delivered now or before (or dead before): nothing more to do.
    Done,
    /// Failed; try again at this time.
    RetryAt { at: Millis, reason: String },
    /// Given up.
    Dead { reason: String },
}

/// The request body: `{"type","timestamp","data"}`, the same on every attempt.
pub fn body(target: &DeliveryTarget) -> Vec<u8> {
    let data: serde_json::Value =
        serde_json::from_str(&target.data).unwrap_or(serde_json::Value::Null);
    json!({
        "type": target.event_type,
        "timestamp": dermis_model::rfc3339(target.event_at),
        "data": data,
    })
    .to_string()
    .into_bytes()
}

enum Sent {
    Status(u16),
    Refused(String),
    Failed(String),
}

async fn send(options: &WebhookOptions, target: &DeliveryTarget, key: &[u8], now: Millis) -> Sent {
    let url = match target::parse_url(&target.url) {
        Ok(url) => url,
        Err(e) => return Sent::Refused(e.to_string()),
    };
    let addr = match target::resolve(&url, options.block_private).await {
        Ok(addr) => addr,
        Err(e @ TargetError::Unresolved) => return Sent::Failed(e.to_string()),
        Err(e) => return Sent::Refused(e.to_string()),
    };
    // No proxy: HTTP(S)_PROXY would make the proxy, not the address checked above,
    // choose where the request goes.
    let mut client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.timeout)
        .user_agent(concat!("Dermis-Webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(host) = url.host_str().filter(|_| url.domain().is_some()) {
        client = client.resolve(host, addr);
    }
    let client = match client.build() {
        Ok(client) => client,
        Err(e) => return Sent::Failed(format!("http client: {e}")),
    };
    let timestamp = now.div_euclid(1000);
    let body = body(target);
    let signature = sign::signature(key, &target.event_id, timestamp, &body);
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &target.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => Sent::Status(response.status().as_u16()),
        // Without the URL: the reason alone (timeout, connection refused).
        Err(e) => Sent::Failed(describe(&e)),
    }
}

fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text.chars().take(300).collect()
}

/// Whether an attempt may revive a dead delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A settled (delivered or dead) delivery is left alone.
    Normal,
    /// An admin retried the dead job: one more attempt, which (past the 24 h) is the
    /// last unless it succeeds.
    Revive,
}

/// Makes one attempt at delivery `id` (unless it is already settled) and records it.
pub async fn attempt<S: HookStore>(
    store: &S,
    options: &WebhookOptions,
    metrics: &Metrics,
    id: i64,
    mode: Mode,
    now: impl Fn() -> Millis,
) -> Result<Step, StoreError> {
    let Some(target) = store.delivery_target(id).await? else {
        return Ok(Step::Dead {
            reason: format!("no webhook delivery {id}"),
        });
    };
    if target.state == state::DELIVERED || (target.state == state::DEAD && mode == Mode::Normal) {
        return Ok(Step::Done);
    }
    let started_at = now();
    let clock = Instant::now();
    let sent = match target.secret.as_deref().map(sign::secret_key) {
        None => Sent::Refused("the webhook was removed".into()),
        Some(Err(e)) => Sent::Refused(e.to_string()),
        Some(Ok(key)) => send(options, &target, &key, started_at).await,
    };
    let duration_ms = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (status_code, error) = match &sent {
        Sent::Status(code) => (Some(*code), None),
        Sent::Refused(e) | Sent::Failed(e) => (None, Some(e.clone())),
    };
    let attempts = target.attempts + 1;
    let deadline = target.event_at.saturating_add(millis(options.retry_window));
    let next = started_at.saturating_add(millis(options.backoff(attempts)));
    let (outcome, step) = match sent {
        Sent::Status(code) if (200..300).contains(&code) => (
            AttemptOutcome {
                state: state::DELIVERED,
                next_attempt_at: None,
            },
            Step::Done,
        ),
        Sent::Refused(reason) => (
            AttemptOutcome {
                state: state::DEAD,
                next_attempt_at: None,
            },
            Step::Dead { reason },
        ),
        other => {
            let reason = match other {
                Sent::Status(code) => format!("the receiver answered {code}"),
                Sent::Failed(e) => e,
                Sent::Refused(e) => e,
            };
            if next > deadline {
                (
                    AttemptOutcome {
                        state: state::DEAD,
                        next_attempt_at: None,
                    },
                    Step::Dead {
                        reason: format!("{reason}; retried for 24 h, giving up"),
                    },
                )
            } else {
                (
                    AttemptOutcome {
                        state: state::FAILED,
                        next_attempt_at: Some(next),
                    },
                    Step::RetryAt { at: next, reason },
                )
            }
        }
    };
    if outcome.state != state::DELIVERED {
        metrics.webhook_failed();
    }
    let attempt = Attempt {
        at: started_at,
        status_code,
        error,
        duration_ms,
    };
    store.record_attempt(id, &attempt, &outcome).await?;
    tracing::info!(
        delivery = id,
        event_type = %target.event_type,
        status = ?attempt.status_code,
        state = outcome.state,
        "webhook attempt"
    );
    Ok(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let o = WebhookOptions::default();
        assert_eq!(o.backoff(1), Duration::from_secs(30));
        assert_eq!(o.backoff(2), Duration::from_secs(60));
        assert_eq!(o.backoff(5), Duration::from_secs(480));
        assert_eq!(o.backoff(20), Duration::from_secs(3600));
        assert_eq!(o.backoff(u32::MAX), Duration::from_secs(3600));
    }

    #[test]
    fn the_body_is_type_timestamp_and_data() {
        let target = DeliveryTarget {
            id: 1,
            state: "pending".into(),
            attempts: 0,
            url: "http://x".into(),
            secret: None,
            event_id: "msg_1".into(),
            event_type: "sale.completed".into(),
            data: r#"{"receipt":"N1-000001"}"#.into(),
            event_at: 0,
        };
        let value: serde_json::Value = serde_json::from_slice(&body(&target)).unwrap_or_default();
        assert_eq!(value["type"], "sale.completed");
        assert_eq!(value["timestamp"], "1970-01-01T00:00:00Z");
        assert_eq!(value["data"]["receipt"], "N1-000001");
    }
}
