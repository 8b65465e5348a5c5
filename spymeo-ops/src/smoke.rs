//! Post-deploy smoke checks over real HTTP: what a user's first requests would hit.
//! Each verdict is a pure function of the response, so it is tested without a server.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Check {
    /// `/api/health`: 200 and `checks.database == "connected"`.
    Health,
    /// `/`: 200 and HTML.
    Home,
    /// `/auth/login`: 200.
    Login,
    /// An unknown path: 404 (not a 200 catch-all, not a 5xx).
    NotFound,
    /// Anonymous `/pro/dashboard`: 303 to `/auth/login?next=…`.
    ProRedirect,
}

pub const ALL: [Check; 5] = [
    Check::Health,
    Check::Home,
    Check::Login,
    Check::NotFound,
    Check::ProRedirect,
];

impl Check {
    pub fn path(self) -> &'static str {
        match self {
            Check::Health => "/api/health",
            Check::Home => "/",
            Check::Login => "/auth/login",
            Check::NotFound => "/spymeo-smoke/page-introuvable",
            Check::ProRedirect => "/pro/dashboard",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Check::Health => "health",
            Check::Home => "home",
            Check::Login => "login",
            Check::NotFound => "notFound",
            Check::ProRedirect => "proRedirect",
        }
    }
}

/// The parts of a response the verdicts look at.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

/// Ok(detail) when the response is what a healthy release answers.
pub fn judge(check: Check, r: &Response) -> std::result::Result<String, String> {
    let html = r
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("text/html"));
    match check {
        Check::Health => {
            if r.status != 200 {
                return Err(format!("statut {} (attendu 200)", r.status));
            }
            let v: serde_json::Value = serde_json::from_str(&r.body)
                .map_err(|_| "réponse qui n'est pas du JSON".to_owned())?;
            match v["checks"]["database"].as_str() {
                Some("connected") => Ok(format!(
                    "200, base connectée, statut {}",
                    v["status"].as_str().unwrap_or("?")
                )),
                Some(other) => Err(format!("base de données : {other}")),
                None => Err("checks.database absent".into()),
            }
        }
        Check::Home | Check::Login => match (r.status, html) {
            (200, true) => Ok("200 HTML".into()),
            (200, false) => Err(format!(
                "200 mais pas HTML ({})",
                r.content_type.as_deref().unwrap_or("sans Content-Type")
            )),
            (s, _) => Err(format!("statut {s} (attendu 200)")),
        },
        Check::NotFound => match r.status {
            404 => Ok("404".into()),
            s => Err(format!("statut {s} (attendu 404)")),
        },
        Check::ProRedirect => {
            let loc = r.location.as_deref().unwrap_or("");
            // Absolute or relative: only the path and query matter.
            let path = loc
                .find("://")
                .and_then(|i| loc[i + 3..].find('/').map(|j| &loc[i + 3 + j..]))
                .unwrap_or(loc);
            match r.status {
                303 if path.starts_with("/auth/login?next=") => Ok(format!("303 → {path}")),
                303 => Err(format!("303 vers {loc:?} (attendu /auth/login?next=…)")),
                s => Err(format!("statut {s} (attendu 303 vers /auth/login?next=…)")),
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub name: &'static str,
    pub path: &'static str,
    pub ok: bool,
    pub status: Option<u16>,
    pub detail: String,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub url: String,
    pub ok: bool,
    /// Attempts used (1 when everything passed at once).
    pub attempts: u32,
    pub max_attempts: u32,
    /// The results of the last attempt.
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub url: String,
    pub attempts: u32,
    /// Per request.
    pub timeout: Duration,
    /// Pause between attempts.
    pub interval: Duration,
}

/// Runs every check, up to `attempts` times, until all pass. `on_attempt` sees each round.
pub async fn run(
    opts: &Options,
    mut on_attempt: impl FnMut(u32, &[CheckResult]),
) -> Result<Report> {
    let base = opts.url.trim_end_matches('/').to_owned();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(Error::Invalid(format!(
            "URL invalide : {} (http:// ou https://)",
            opts.url
        )));
    }
    let client = reqwest::Client::builder()
        .timeout(opts.timeout)
        // The redirect itself is under test.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("spymeo-smoke/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Http(e.to_string()))?;
    let attempts = opts.attempts.max(1);
    let mut results = Vec::new();
    for attempt in 1..=attempts {
        results = Vec::with_capacity(ALL.len());
        for check in ALL {
            results.push(probe(&client, &base, check).await);
        }
        on_attempt(attempt, &results);
        let ok = results.iter().all(|r| r.ok);
        if ok || attempt == attempts {
            return Ok(Report {
                url: base,
                ok,
                attempts: attempt,
                max_attempts: attempts,
                checks: results,
            });
        }
        tokio::time::sleep(opts.interval).await;
    }
    Ok(Report {
        url: base,
        ok: false,
        attempts,
        max_attempts: attempts,
        checks: results,
    })
}

async fn probe(client: &reqwest::Client, base: &str, check: Check) -> CheckResult {
    let started = Instant::now();
    let res = client.get(format!("{base}{}", check.path())).send().await;
    let (status, verdict) = match res {
        Err(e) => (None, Err(one_line_cause(&e))),
        Ok(res) => {
            let header = |name: reqwest::header::HeaderName| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let mut r = Response {
                status: res.status().as_u16(),
                content_type: header(reqwest::header::CONTENT_TYPE),
                location: header(reqwest::header::LOCATION),
                body: String::new(),
            };
            r.body = res.text().await.unwrap_or_default();
            (Some(r.status), judge(check, &r))
        }
    };
    let ok = verdict.is_ok();
    CheckResult {
        name: check.name(),
        path: check.path(),
        ok,
        status,
        detail: verdict.unwrap_or_else(|e| e),
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

fn one_line_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, ct: Option<&str>, location: Option<&str>, body: &str) -> Response {
        Response {
            status,
            content_type: ct.map(Into::into),
            location: location.map(Into::into),
            body: body.into(),
        }
    }

    #[test]
    fn health_needs_the_database_connected() {
        let ok = r#"{"status":"degraded","checks":{"database":"connected","s3":"inaccessible"}}"#;
        assert!(
            judge(
                Check::Health,
                &resp(200, Some("application/json"), None, ok)
            )
            .is_ok()
        );
        let down = r#"{"status":"unhealthy","checks":{"database":"disconnected"}}"#;
        assert_eq!(
            judge(Check::Health, &resp(503, None, None, down)).unwrap_err(),
            "statut 503 (attendu 200)"
        );
        let lying = r#"{"status":"healthy","checks":{"database":"disconnected"}}"#;
        assert!(judge(Check::Health, &resp(200, None, None, lying)).is_err());
        assert!(judge(Check::Health, &resp(200, None, None, "<html>")).is_err());
    }

    #[test]
    fn pages_must_be_html() {
        let html = Some("text/html; charset=utf-8");
        assert!(judge(Check::Home, &resp(200, html, None, "<!doctype html>")).is_ok());
        assert!(
            judge(
                Check::Home,
                &resp(200, Some("application/json"), None, "{}")
            )
            .is_err()
        );
        assert!(judge(Check::Login, &resp(502, html, None, "Bad gateway")).is_err());
    }

    #[test]
    fn unknown_paths_must_be_404() {
        assert!(judge(Check::NotFound, &resp(404, None, None, "")).is_ok());
        // A catch-all that answers 200 everywhere hides broken routing.
        assert!(judge(Check::NotFound, &resp(200, None, None, "")).is_err());
    }

    #[test]
    fn the_pro_area_redirects_anonymous_visitors_to_login() {
        let r = resp(303, None, Some("/auth/login?next=%2Fpro%2Fdashboard"), "");
        assert_eq!(
            judge(Check::ProRedirect, &r).unwrap(),
            "303 → /auth/login?next=%2Fpro%2Fdashboard"
        );
        let abs = resp(
            303,
            None,
            Some("https://spymeo.fr/auth/login?next=%2Fpro%2Fdashboard"),
            "",
        );
        assert!(judge(Check::ProRedirect, &abs).is_ok());
        assert!(judge(Check::ProRedirect, &resp(200, None, None, "")).is_err());
        assert!(
            judge(
                Check::ProRedirect,
                &resp(302, None, Some("/auth/login?next=x"), "")
            )
            .is_err()
        );
        assert!(judge(Check::ProRedirect, &resp(303, None, Some("/"), "")).is_err());
    }
}
