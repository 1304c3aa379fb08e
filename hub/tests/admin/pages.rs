//! The `/admin` pages over HTTP: sign-in by form, redirects, escaping, language,
//! security headers, the workstation and health pages, and the live event stream.

use std::time::Duration;

use crate::on_both_stores;
use dermis_hub::jobs::JobState;
use dermis_hub::store::HubStore;

use super::api::{PASSWORD, hub_with_admin};
use super::common::node::TestNode;
use super::common::{Fixture, TestHub, WITHIN, create_clinic, dead_job, enroll};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Signs in through the form; returns the `Cookie` header value.
async fn form_login(hub: &TestHub) -> String {
    let response = client()
        .post(hub.http("/admin/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "username=ops&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status().as_u16(), 303);
    let set = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    set.split(';').next().unwrap_or_default().to_owned()
}

async fn page(hub: &TestHub, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = client().get(hub.http(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

async fn pages_need_a_session_escape_names_and_speak_the_language<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = hub_with_admin(&f, |_| {}).await;
    let anonymous = page(&hub, "/admin", None).await;
    assert_eq!(anonymous.status().as_u16(), 303);
    let to = anonymous
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok());
    assert_eq!(to, Some("/admin/login?lang=en"));
    let wrong = client()
        .post(hub.http("/admin/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=ops&password=nope+nope+nope")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(
        wrong
            .text()
            .await
            .unwrap_or_default()
            .contains("Unknown username or wrong password")
    );

    let clinic = create_clinic(&store, "Derma & <b>Co</b>").await;
    let hostile = "<img src=x onerror=alert(1)>";
    let node = TestNode::new(&enroll(&store, &hub, clinic, hostile).await);
    let cookie = form_login(&hub).await;

    let response = page(&hub, "/admin", Some(&cookie)).await;
    assert_eq!(response.status().as_u16(), 200);
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let html = response.text().await.unwrap_or_default();
    assert!(
        !html.contains("<img src=x") && !html.contains("<b>Co</b>"),
        "unescaped:\n{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(html.contains("Derma &amp; &lt;b&gt;Co&lt;/b&gt;"));
    assert!(html.contains("Never connected"), "{html}");
    assert!(html.contains(&format!("data-node=\"{}\"", node.id)));

    let russian = page(&hub, "/admin?lang=ru", Some(&cookie)).await;
    let lang_cookie = russian
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("dermis_lang=ru"));
    assert!(lang_cookie, "?lang= is remembered");
    let html = russian.text().await.unwrap_or_default();
    assert!(
        html.contains("<html lang=\"ru\">") && html.contains("Клиники и рабочие места"),
        "{html}"
    );
    let remembered = page(&hub, "/admin", Some(&format!("{cookie}; dermis_lang=hy"))).await;
    assert!(
        remembered
            .text()
            .await
            .unwrap_or_default()
            .contains("Երբեք չի միացել")
    );

    let detail = page(&hub, &format!("/admin/nodes/{}", node.id), Some(&cookie)).await;
    assert_eq!(detail.status().as_u16(), 200);
    let html = detail.text().await.unwrap_or_default();
    assert!(
        html.contains("Recent sync sessions") && html.contains("N1"),
        "{html}"
    );
    assert!(!html.contains("<img src=x"));
    assert!(
        html.contains("Not reported"),
        "no transport said yet: {html}"
    );
    // A node on plain http across a network is flagged on both pages.
    store
        .set_node_transport(node.id, Some("insecure-http"))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let detail = page(&hub, &format!("/admin/nodes/{}", node.id), Some(&cookie)).await;
    let html = detail.text().await.unwrap_or_default();
    assert!(
        html.contains("Not encrypted: plain http across the network")
            && html.contains("data-insecure=\"true\""),
        "{html}"
    );
    let html = page(&hub, "/admin", Some(&cookie))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(html.contains("insecure link"), "{html}");
    store
        .set_node_transport(node.id, Some("tls"))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let html = page(&hub, "/admin", Some(&cookie))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(!html.contains("insecure link"), "{html}");
    let missing = page(&hub, "/admin/nodes/not-a-node", Some(&cookie)).await;
    assert_eq!(missing.status().as_u16(), 404);

    let health = page(&hub, "/admin/health", Some(&cookie)).await;
    let html = health.text().await.unwrap_or_default();
    assert!(
        html.contains("data-check=\"db\">yes") && html.contains("data-check=\"storage\">yes"),
        "{html}"
    );
    hub.stop().await;
}

async fn the_event_stream_sends_the_live_fragment<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let hub = hub_with_admin(&f, |_| {}).await;
    let clinic = create_clinic(&store, "Live").await;
    let node = TestNode::new(&enroll(&store, &hub, clinic, "Desk").await);
    let cookie = form_login(&hub).await;
    assert_eq!(
        page(&hub, "/admin/events?view=overview", None)
            .await
            .status()
            .as_u16(),
        401
    );
    let mut events = page(&hub, "/admin/events?view=overview", Some(&cookie)).await;
    assert_eq!(events.status().as_u16(), 200);
    let mut seen = String::new();
    let mut link = None;
    let read = tokio::time::timeout(WITHIN, async {
        while let Ok(Some(chunk)) = events.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if link.is_none() && seen.contains("data-online=\"false\"") {
                // The page is showing the node offline: connect it and wait for news.
                seen.clear();
                link = Some(node.connect(&hub.ws()).await);
            }
            if link.is_some() && seen.contains("data-online=\"true\"") {
                return true;
            }
        }
        false
    })
    .await;
    assert!(
        matches!(read, Ok(true)),
        "no live update showed the node online: {seen}"
    );
    assert!(seen.contains("event: update"));
    if let Some(link) = link {
        link.abort();
    }
    drop(events);
    hub.stop().await;
}

async fn the_jobs_page_lists_dead_jobs_and_retries_them<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    // No workers: what the page does is all that changes the queue.
    let hub = hub_with_admin(&f, |o| o.jobs.workers = 0).await;
    let id = dead_job(&store).await;
    let retry_path = format!("/admin/jobs/{id}/retry?lang=en");

    let anonymous = client()
        .post(hub.http(&retry_path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(anonymous.status().as_u16(), 303, "sign in first");

    let cookie = form_login(&hub).await;
    let listed = page(&hub, "/admin/jobs?lang=en", Some(&cookie)).await;
    assert_eq!(listed.status().as_u16(), 200);
    let html = listed.text().await.unwrap_or_default();
    assert!(
        html.contains(&format!("data-job=\"{id}\" data-state=\"dead\"")),
        "{html}"
    );
    assert!(html.contains("the image is corrupt"), "the reason is shown");
    assert!(
        html.contains(&format!("data-retry=\"{id}\"")),
        "a retry button"
    );

    let cross_site = client()
        .post(hub.http(&retry_path))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cross_site.status().as_u16(), 403);
    assert_eq!(
        store.job(id).await.ok().flatten().map(|j| j.state),
        Some(JobState::Dead),
        "a refused retry changes nothing"
    );

    let origin = hub.http("");
    let retried = client()
        .post(hub.http(&retry_path))
        .header("cookie", &cookie)
        .header("origin", origin.trim_end_matches('/'))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(retried.status().as_u16(), 303);
    let job = store
        .job(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!((job.state, job.attempts), (JobState::Pending, 0));

    let again = client()
        .post(hub.http(&retry_path))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status().as_u16(), 409, "a waiting job is not retried");
    hub.stop().await;
}

/// A starting hub prunes sync sessions past `HUB_SESSION_HISTORY_DAYS`; the workstation
/// page still lists the recent ones.
async fn the_node_page_keeps_recent_sessions_after_old_ones_are_pruned<S: HubStore>(f: Fixture<S>) {
    let store = f.store.clone();
    let clinic = create_clinic(&store, "Housekeeping").await;
    let now = dermis_model::now_millis();
    let node = store
        .add_node(clinic, "Desk", "housekeeping-code", now + 60_000, now)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let day = 86_400_000;
    for (started, error) in [
        (now - 40 * day, "ended-forty-days-ago"),
        (now - 2 * day, "ended-two-days-ago"),
    ] {
        let id = store
            .session_started(node.id, started)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let end = dermis_hub::store::SessionEnd {
            error: Some(error.into()),
            ..Default::default()
        };
        store
            .session_ended(id, node.id, &end, started + 1000)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let hub = hub_with_admin(&f, |o| o.session_history = Duration::from_secs(30 * 86_400)).await;
    super::common::eventually("the old session pruned at start", || {
        let store = store.clone();
        async move {
            store
                .node_sessions(node.id, 10)
                .await
                .is_ok_and(|s| s.len() == 1)
        }
    })
    .await;
    let cookie = form_login(&hub).await;
    let html = page(&hub, &format!("/admin/nodes/{}", node.id), Some(&cookie))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        html.contains("Recent sync sessions") && html.contains("ended-two-days-ago"),
        "{html}"
    );
    assert!(!html.contains("ended-forty-days-ago"), "{html}");
    hub.stop().await;
}

on_both_stores!(
    the_node_page_keeps_recent_sessions_after_old_ones_are_pruned,
    pages_need_a_session_escape_names_and_speak_the_language,
    the_event_stream_sends_the_live_fragment,
    the_jobs_page_lists_dead_jobs_and_retries_them,
);
