//! `/admin/jobs`: the job queue — how many jobs wait, run, failed or died, the latest
//! of them with their last error, and a retry button on failed and dead ones
//! (`POST /admin/jobs/{id}/retry`, which puts the job back in the queue with fresh
//! attempts and redirects to the page).

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

use axum::response::{IntoResponse, Redirect, Response};

use super::html::{Ui, esc};
use super::{LangQuery, page_admin, ui_for};
use crate::jobs::{Job, JobCounts, JobState};
use crate::state::Hub;
use crate::store::HubStore;

/// How many jobs the page lists.
pub const JOBS_SHOWN: u32 = 50;

/// What the page shows.
pub struct JobsFacts {
    pub counts: JobCounts,
    /// Jobs that are not done, the most recently updated first.
    pub open: Vec<Job>,
    /// The latest done jobs.
    pub done: Vec<Job>,
}

pub async fn load<S: HubStore>(store: &S) -> Result<JobsFacts, crate::store::StoreError> {
    let counts = store.job_counts().await?;
    let open = store
        .list_jobs(
            &[
                JobState::Dead,
                JobState::Failed,
                JobState::Running,
                JobState::Pending,
            ],
            JOBS_SHOWN,
        )
        .await?;
    let done = store.list_jobs(&[JobState::Done], 10).await?;
    Ok(JobsFacts { counts, open, done })
}

pub async fn page<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    super::pages::show(&hub, &query, &headers, super::events::View::Jobs).await
}

/// The fragment the page and its live updates show.
pub fn render_jobs(ui: &Ui, facts: &JobsFacts) -> String {
    let mut out = String::new();
    let c = &facts.counts;
    out.push_str("<table class=\"facts job-counts\">\n");
    for (state, n) in [
        (JobState::Pending, c.pending),
        (JobState::Running, c.running),
        (JobState::Failed, c.failed),
        (JobState::Dead, c.dead),
        (JobState::Done, c.done),
    ] {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td data-count=\"{}\">{}</td></tr>",
            ui.t(&format!("admin-job-state-{}", state.as_str())),
            state.as_str(),
            ui.int(n)
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(out, "<h2>{}</h2>", ui.t("admin-jobs-open"));
    if facts.open.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", ui.t("admin-jobs-none"));
    } else {
        table(&mut out, ui, &facts.open, true);
    }
    let _ = writeln!(out, "<h2>{}</h2>", ui.t("admin-jobs-done"));
    if facts.done.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", ui.t("admin-jobs-none"));
    } else {
        table(&mut out, ui, &facts.done, false);
    }
    out
}

fn table(out: &mut String, ui: &Ui, jobs: &[Job], actions: bool) {
    out.push_str("<table class=\"jobs\">\n<thead><tr>");
    for col in [
        "admin-job-col-id",
        "admin-job-col-kind",
        "admin-job-col-state",
        "admin-job-col-attempts",
        "admin-job-col-when",
        "admin-job-col-error",
    ] {
        let _ = write!(out, "<th>{}</th>", ui.t(col));
    }
    if actions {
        out.push_str("<th></th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for job in jobs {
        let state = job.state.as_str();
        let class = match job.state {
            JobState::Dead => "bad",
            JobState::Failed => "warn",
            JobState::Done => "ok",
            JobState::Pending | JobState::Running => "idle",
        };
        let when = match job.state {
            JobState::Failed | JobState::Pending => {
                ui.ta("admin-job-next", &[("when", ui.time(job.run_at).into())])
            }
            JobState::Running => ui.ta(
                "admin-job-heartbeat",
                &[("when", ui.time_or_never(job.heartbeat_at).into())],
            ),
            JobState::Dead | JobState::Done => ui.time_or_never(job.finished_at),
        };
        let kind = match job.kind.as_str() {
            known @ ("thumbnail" | "webhook") => ui.t(&format!("admin-job-kind-{known}")),
            other => other.to_owned(),
        };
        let _ = write!(
            out,
            "<tr data-job=\"{id}\" data-state=\"{state}\"><td>{id}</td><td>{kind}</td>\
             <td><span class=\"signal {class}\">{label}</span></td><td>{attempts}</td>\
             <td>{when}</td><td class=\"error\">{error}</td>",
            id = job.id,
            kind = esc(&kind),
            label = ui.t(&format!("admin-job-state-{state}")),
            attempts = ui.ta(
                "admin-job-attempts",
                &[
                    ("count", u64::from(job.attempts).into()),
                    ("max", u64::from(job.max_attempts).into())
                ]
            ),
            error = esc(job.last_error.as_deref().unwrap_or("")),
        );
        if actions {
            out.push_str("<td>");
            if job.state.retryable() {
                let _ = write!(
                    out,
                    "<form method=\"post\" action=\"/admin/jobs/{id}/retry?lang={lang}\">\
                     <button type=\"submit\" data-retry=\"{id}\">{label}</button></form>",
                    id = job.id,
                    lang = ui.locale.code(),
                    label = ui.t("admin-job-retry"),
                );
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `POST /admin/jobs/{id}/retry`. The session cookie is `SameSite=Strict`, and a
/// request whose `Origin` names another site is refused as well.
pub async fn retry<S: HubStore>(
    State(hub): State<Arc<Hub<S>>>,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let (ui, _) = ui_for(query.lang.as_deref(), &headers);
    let admin = match page_admin(&hub, &headers, &ui).await {
        Ok(admin) => admin,
        Err(refused) => return refused,
    };
    if !admin.hub_wide() {
        return super::forbidden(&ui, false, &admin);
    }
    if !crate::origin::same_origin(&headers, hub.options.public_url.as_ref()) {
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, esc(&ui.t("admin-job-unknown"))).into_response();
    };
    match hub.store.retry_job(id, dermis_model::now_millis()).await {
        Ok(true) => {
            hub.wake_jobs();
            tracing::info!(job = id, "an admin sent a job back to the queue");
            Redirect::to(&format!("/admin/jobs?lang={}", ui.locale.code())).into_response()
        }
        Ok(false) => (StatusCode::CONFLICT, esc(&ui.t("admin-job-not-retryable"))).into_response(),
        Err(e) => {
            tracing::warn!(error = %dermis_sync::driver::error_chain(&e), "admin: cannot retry a job");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                esc(&ui.t("admin-unavailable")),
            )
                .into_response()
        }
    }
}
