//! `dermis-hub webhook …` and `dermis-hub calendly …`: outgoing webhooks and the
//! clinics' Calendly signing keys.

use anyhow::Context;
use dermis_model::Millis;

use crate::config::Config;
use crate::store::hooks::NewWebhook;
use crate::store::{HubStore, StoreError};
use crate::webhooks;

use super::output::{align, print_out, webhook_table};
use super::{CalendlyCommand, Refused, WebhookCommand};

pub(super) async fn webhook<S: HubStore>(
    store: &S,
    command: WebhookCommand,
    config: &Config,
    now: Millis,
) -> anyhow::Result<()> {
    match command {
        WebhookCommand::Add {
            url,
            events,
            clinic,
        } => {
            let events =
                webhooks::events::parse_list(&events).map_err(|e| Refused(e.to_string()))?;
            let url = webhooks::target::check_new(&url, config.webhook_block_private)
                .await
                .map_err(|e| Refused(e.to_string()))?;
            let secret = webhooks::sign::new_secret();
            let new = NewWebhook {
                url: url.to_string(),
                events,
                clinic,
                secret: secret.clone(),
            };
            let id = match store.add_webhook(&new, now).await {
                Err(StoreError::UnknownClinic { id }) => {
                    return Err(Refused(format!("no clinic {id}")).into());
                }
                other => other?,
            };
            eprintln!("webhook {id} added; its signing secret below is shown once");
            print_out(&format!("{secret}\n"))?;
        }
        WebhookCommand::List { json } => {
            let hooks = store.list_webhooks().await?;
            if json {
                print_out(&format!("{}\n", serde_json::to_string_pretty(&hooks)?))?;
            } else {
                print_out(&webhook_table(&hooks))?;
            }
        }
        WebhookCommand::Remove { id } => {
            if !store.remove_webhook(id).await? {
                return Err(Refused(format!("no webhook {id}")).into());
            }
            print_out(&format!("removed {id}\n"))?;
        }
    }
    Ok(())
}

/// The data dir when the store is the embedded one (which may keep its secret key there).
pub(super) fn embedded_dir(config: &Config) -> Option<&std::path::Path> {
    config
        .database_url
        .is_none()
        .then_some(config.data_dir.as_path())
}

/// `CALENDLY_WEBHOOK_SIGNING_KEY` serves a hub with exactly one clinic only.
pub(super) async fn warn_about_the_shared_calendly_key<S: HubStore>(store: &S, config: &Config) {
    if config.calendly.signing_key.is_none() {
        return;
    }
    match store.clinic_count().await {
        Ok(1) => {}
        Ok(clinics) => tracing::warn!(
            clinics,
            "CALENDLY_WEBHOOK_SIGNING_KEY is accepted only on a hub with exactly one clinic, and is refused for every clinic here; give each clinic its own key with `dermis-hub calendly key --clinic ID`"
        ),
        Err(e) => {
            tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "cannot count the clinics")
        }
    }
}

/// The longest Calendly signing key accepted (Calendly's are about 44 characters).
pub(super) const MAX_CALENDLY_KEY: usize = 1024;

pub(super) async fn calendly<S: HubStore>(
    store: &S,
    command: CalendlyCommand,
    config: &Config,
    now: Millis,
) -> anyhow::Result<()> {
    match command {
        CalendlyCommand::Key { clinic } => {
            // The first line, and no more than a key can be.
            let mut text = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(std::io::Read::take(
                    std::io::stdin(),
                    MAX_CALENDLY_KEY as u64 + 2,
                )),
                &mut text,
            )
            .context("reading the signing key from standard input")?;
            let key = text.trim();
            if key.is_empty() {
                return Err(Refused("no signing key on standard input".into()).into());
            }
            if key.len() > MAX_CALENDLY_KEY || key.contains(['\n', '\r']) {
                return Err(Refused(format!(
                    "the signing key must be one line of at most {MAX_CALENDLY_KEY} characters"
                ))
                .into());
            }
            if !store.clinic_exists(clinic).await? {
                return Err(Refused(format!("no clinic {clinic}")).into());
            }
            let secret = crate::secrets::hub_key(
                config
                    .secret_key
                    .as_ref()
                    .map(crate::config::Secret::expose),
                embedded_dir(config),
                true,
            )
            .map_err(|e| match e {
                crate::secrets::SecretsError::NoKey => Refused(e.to_string()).into(),
                other => anyhow::Error::from(other),
            })?
            .ok_or_else(|| Refused(crate::secrets::SecretsError::NoKey.to_string()))?;
            let sealed = webhooks::calendly::seal_key(&secret, clinic, key)?;
            match store.set_calendly_key(clinic, &sealed, now).await {
                Err(StoreError::UnknownClinic { id }) => {
                    return Err(Refused(format!("no clinic {id}")).into());
                }
                other => other?,
            }
            eprintln!(
                "the Calendly signing key of clinic {clinic} is stored (encrypted); deliveries to /api/integrations/calendly/{clinic} are checked against it"
            );
        }
        CalendlyCommand::Remove { clinic } => {
            if !store.remove_calendly_key(clinic).await? {
                return Err(Refused(format!("clinic {clinic} has no Calendly signing key")).into());
            }
            print_out(&format!("removed {clinic}\n"))?;
        }
        CalendlyCommand::List => {
            let mut rows = vec![["CLINIC", "KEY SET AT"].map(String::from)];
            for (clinic, at) in store.calendly_keys().await? {
                rows.push([clinic.to_string(), dermis_model::rfc3339(at)]);
            }
            print_out(&align(rows))?;
        }
    }
    Ok(())
}
