//! Failure tests under load (issue 11): the database going away and coming back, SIGTERM
//! while requests are in flight, and three replicas behind nginx with one of them stopped.
//! Load is bounded in time and count and stays on 127.0.0.1.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use secrecy::ExposeSecret as _;
use serde_json::json;
use spymeo_core::devdb::{DevDb, Options};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

use crate::helpers::{expose, free_port, signal, spymeo, wait_for_200};

/// What a refused connection is recorded as: the listener was closed, nothing was lost.
const REFUSED: &str = "refused";

const SECRET: &str = "resilience-secret-resilience-secret-0123";

/// One answered (or failed) request of a load run.
#[derive(Debug, Clone)]
struct Outcome {
    path: &'static str,
    /// Since the start of the run.
    sent_at: Duration,
    took: Duration,
    result: Result<u16, String>,
}

/// Runs `workers` loops of GETs over `paths` against `base` for `duration`, each request
/// with an `x-request-id` of `load-<worker>-<n>` (the server logs it). A request is
/// failed when the connection broke after it was accepted or no answer came in 10 s;
/// a refused connection is reported separately (the listener was closed: nothing was lost).
async fn load(
    base: &str,
    paths: &'static [&'static str],
    cookie: Option<String>,
    workers: usize,
    duration: Duration,
) -> (Vec<Outcome>, Instant) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let start = Instant::now();
    let out = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for w in 0..workers {
        let (client, base, cookie, out) =
            (client.clone(), base.to_owned(), cookie.clone(), out.clone());
        tasks.push(tokio::spawn(async move {
            // One path per worker, so a slow path (a page waiting for the pool while the
            // database is down) does not starve the probes of the others.
            let path = paths[w % paths.len()];
            // Bounded in time and in count.
            for n in 0..5_000 {
                if start.elapsed() >= duration {
                    break;
                }
                let mut req = client
                    .get(format!("{base}{path}"))
                    .header("x-request-id", format!("load-{w}-{n}"));
                if let Some(c) = &cookie {
                    req = req.header("cookie", c);
                }
                let sent_at = start.elapsed();
                let t = Instant::now();
                let result = match req.send().await {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        // The whole body must arrive, not only the status line.
                        match res.bytes().await {
                            Ok(_) => Ok(status),
                            Err(e) => Err(format!("body: {e}")),
                        }
                    }
                    Err(e) if e.is_connect() => Err(REFUSED.to_owned()),
                    Err(e) => Err(format!("{e}")),
                };
                out.lock().await.push(Outcome {
                    path,
                    sent_at,
                    took: t.elapsed(),
                    result,
                });
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let outcomes = out.lock().await.clone();
    (outcomes, start)
}

fn serve(url: &str, port: u16, files: &std::path::Path, app_url: &str) -> Child {
    spymeo()
        .args(["serve", "--migrate", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--environment", "test"])
        .arg("--storage-dir")
        .arg(files)
        .env("DATABASE_URL", url)
        .env("SESSION_SECRET", SECRET)
        .env("APP_URL", app_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the server stopped in time")
        .unwrap()
}

/// The database stops under load: `/api/health` answers 503 within its 2 s budget, pages
/// answer an error instead of hanging, nothing hangs; once PostgreSQL is back the same
/// process answers 200 again.
#[tokio::test]
async fn database_stopped_and_restarted_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = DevDb::start(&Options {
        dir: dir.path().to_path_buf(),
        fast: true,
    })
    .await
    .expect("private cluster");
    cluster.ensure_database("spymeo").await.unwrap();
    let url = cluster.url("spymeo").expose_secret().to_owned();
    let files = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&url, port, files.path(), &base);
    wait_for_200(
        &format!("{base}/api/health"),
        &mut server,
        Duration::from_secs(90),
    )
    .await;

    // Three probe loops, so probes are sent all through the outage despite their 2 s budget.
    const PATHS: &[&str] = &[
        "/api/health",
        "/api/health",
        "/api/health",
        "/",
        "/api/health/live",
    ];
    let driver = {
        let base = base.clone();
        tokio::spawn(async move { load(&base, PATHS, None, 5, Duration::from_secs(12)).await })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let t_stop = Instant::now();
    cluster.stop().await.unwrap();
    // The outage, as the load saw it: from the moment PostgreSQL is down to the restart.
    let down_from = Instant::now();
    let stopped_for = Duration::from_secs(5);
    tokio::time::sleep(stopped_for).await;
    let down_until = Instant::now();
    cluster.restart().await.unwrap();
    let back_at = t_stop.elapsed();
    let (outcomes, start) = driver.await.unwrap();
    let (down_from, down_until) = (down_from - start, down_until - start);

    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    assert!(failed.is_empty(), "requests without an answer: {failed:?}");
    let slowest_health = outcomes
        .iter()
        .filter(|o| o.path == "/api/health")
        .map(|o| o.took)
        .max()
        .unwrap();
    assert!(
        slowest_health < Duration::from_secs(4),
        "a health probe hung for {slowest_health:?}"
    );
    let slowest = outcomes.iter().map(|o| o.took).max().unwrap();
    assert!(
        slowest < Duration::from_secs(9),
        "a request hung for {slowest:?}"
    );
    // Sent while the database was down, early enough that it stayed down for their 2 s budget.
    let during = |o: &&Outcome| {
        o.sent_at >= down_from && o.sent_at + Duration::from_millis(2_100) <= down_until
    };
    let health_down: Vec<u16> = outcomes
        .iter()
        .filter(|o| o.path == "/api/health")
        .filter(during)
        .map(|o| *o.result.as_ref().unwrap())
        .collect();
    assert!(
        !health_down.is_empty() && health_down.iter().all(|s| *s == 503),
        "health while down ({down_from:?}..{down_until:?}): {health_down:?}; all probes: {:?}",
        outcomes
            .iter()
            .filter(|o| o.path == "/api/health")
            .map(|o| (o.sent_at, o.took, o.result.clone()))
            .collect::<Vec<_>>()
    );
    // Liveness never depends on the database.
    assert!(
        outcomes
            .iter()
            .filter(|o| o.path == "/api/health/live")
            .all(|o| o.result == Ok(200))
    );
    // Recovery without a restart: the same process answers 200 again.
    let mut recovered = None;
    for _ in 0..50 {
        if reqwest::get(format!("{base}/api/health"))
            .await
            .unwrap()
            .status()
            == 200
        {
            recovered = Some(t_stop.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let recovered = recovered.expect("health back to 200 after the restart");
    assert!(server.try_wait().unwrap().is_none(), "the server exited");
    let served = outcomes.len();
    eprintln!(
        "database outage under load: {served} requests, {} health 503 while down, \
         database back at {back_at:?}, health 200 at {recovered:?} after the stop",
        health_down.len()
    );
    signal(&server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).await.success());
    cluster.stop().await.unwrap();
}

/// SIGTERM under load: every request the server started handling is answered in full with
/// 200, then the process exits 0. The evidence is the server's own log (tower-http's start
/// and finish events, keyed by our request ids): a request that never reached the handler
/// (refused, or on a keep-alive connection the shutdown closed while idle) is not a loss;
/// a started one without a 200 that reached its client is.
#[tokio::test]
async fn sigterm_under_load_loses_no_accepted_request() {
    let url = expose(&spymeo_core::testing::empty_database().await.unwrap());
    let files = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = spymeo()
        .args(["serve", "--migrate", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--environment", "test", "--log-format", "json"])
        .arg("--storage-dir")
        .arg(files.path())
        .env("DATABASE_URL", &url)
        .env("SESSION_SECRET", SECRET)
        .env("APP_URL", &base)
        // The request span is ours (info), its start/finish events are tower-http's (debug).
        .env("RUST_LOG", "warn,spymeo_server=info,tower_http=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the log as it comes, so a full pipe never blocks the server.
    let mut stderr_pipe = server.stderr.take().unwrap();
    let log = tokio::spawn(async move {
        let mut text = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut stderr_pipe, &mut text)
            .await
            .unwrap();
        text
    });
    wait_for_200(
        &format!("{base}/api/health"),
        &mut server,
        Duration::from_secs(90),
    )
    .await;

    const PATHS: &[&str] = &["/", "/api/health", "/auth/login"];
    let driver = {
        let base = base.clone();
        tokio::spawn(async move { load(&base, PATHS, None, 8, Duration::from_secs(4)).await })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let t_term = Instant::now();
    signal(&server, Signal::SIGTERM);
    let status = wait_exit(&mut server).await;
    let (outcomes, start) = driver.await.unwrap();
    let term_offset = t_term.duration_since(start);
    assert!(status.success(), "exit status {status}");

    let mut started = std::collections::BTreeSet::new();
    let mut finished = std::collections::BTreeMap::new();
    for line in log.await.unwrap().lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(id) = v["span"]["request_id"]
            .as_str()
            .filter(|id| id.starts_with("load-"))
        else {
            continue;
        };
        // The log flattens event fields to the top level.
        let message = v["message"].as_str().unwrap_or("");
        if message.starts_with("started processing request") {
            started.insert(id.to_owned());
        } else if message.starts_with("finished processing request") {
            let code = v["status"].as_u64().unwrap_or(0);
            finished.insert(id.to_owned(), code);
        }
    }
    assert!(
        started.len() > 20,
        "only {} load requests reached the server",
        started.len()
    );
    let unfinished: Vec<&String> = started
        .iter()
        .filter(|id| !finished.contains_key(*id))
        .collect();
    assert!(
        unfinished.is_empty(),
        "started and never finished: {unfinished:?}"
    );
    let not_ok: Vec<(&String, &u64)> = finished.iter().filter(|(_, c)| **c != 200).collect();
    assert!(
        not_ok.is_empty(),
        "answered with another status: {not_ok:?}"
    );
    // Every answer the server finished reached its client whole.
    let answered = outcomes.iter().filter(|o| o.result == Ok(200)).count();
    assert_eq!(
        answered,
        finished.len(),
        "answers lost between server and client"
    );
    let in_flight = outcomes
        .iter()
        .filter(|o| {
            o.sent_at < term_offset && o.sent_at + o.took > term_offset && o.result == Ok(200)
        })
        .count();
    let not_reached = outcomes.len() - answered;
    eprintln!(
        "SIGTERM under load: {} requests handled, {in_flight} of them in flight at the signal \
         and completed, {not_reached} never reached the server (closed listener or idle \
         keep-alive connection), 0 lost",
        finished.len()
    );
}

fn nginx_binary() -> Option<std::path::PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
}

/// Three replicas behind nginx on one database: a session made through one is valid on every
/// replica, and stopping one replica under load loses no request (nginx moves refused
/// connections to the others; the stopped one finishes what it accepted). The replicas start
/// together with `serve --migrate` on an empty database: the migration lock lets one apply.
#[tokio::test]
async fn three_replicas_behind_nginx_survive_one_stopped_under_load() {
    let nginx = nginx_binary().expect("nginx is installed (scripts/install-tools)");
    let url = expose(&spymeo_core::testing::empty_database().await.unwrap());
    let files = tempfile::tempdir().unwrap();
    let front = free_port();
    let base = format!("http://127.0.0.1:{front}");
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut replicas: Vec<Child> = ports
        .iter()
        .map(|p| serve(&url, *p, files.path(), &base))
        .collect();
    for (p, child) in ports.iter().zip(replicas.iter_mut()) {
        wait_for_200(
            &format!("http://127.0.0.1:{p}/api/health"),
            child,
            Duration::from_secs(90),
        )
        .await;
    }

    let conf_dir = tempfile::tempdir().unwrap();
    let d = conf_dir.path().display();
    // nginx's workers run as `nobody` when the master is root; they need the temp paths.
    let user = if nix::unistd::geteuid().is_root() {
        "user root;"
    } else {
        ""
    };
    let servers: String = ports
        .iter()
        .map(|p| format!("server 127.0.0.1:{p};\n"))
        .collect();
    let conf = format!(
        "{user}\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         daemon off;\nevents {{ worker_connections 1024; }}\n\
         http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
         upstream spymeo {{\n{servers}}}\n\
         server {{\n listen 127.0.0.1:{front};\n location / {{\n  proxy_pass http://spymeo;\n\
           proxy_set_header Host $http_host;\n  proxy_next_upstream error timeout;\n\
           proxy_connect_timeout 2s;\n }}\n }}\n}}\n"
    );
    let conf_path = conf_dir.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let mut proxy = Command::new(nginx)
        .arg("-c")
        .arg(&conf_path)
        .arg("-p")
        .arg(conf_dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    wait_for_200(
        &format!("{base}/api/health/live"),
        &mut proxy,
        Duration::from_secs(20),
    )
    .await;

    // A member account made through the proxy: its session must work on every replica.
    let signup = reqwest::Client::new()
        .post(format!("{base}/api/auth/signup"))
        .header("origin", &base)
        .json(&json!({
            "firstName": "Léa", "lastName": "Martin", "email": "lea.replicas@example.fr",
            "password": "motdepasse-2025", "plan": "FREE", "acceptCgu": true // pragma: allowlist secret
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201, "{}", signup.text().await.unwrap());
    let cookie = signup
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("spymeo_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("session cookie");
    for p in &ports {
        let me = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{p}/api/account/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(
            me.status(),
            200,
            "session refused by the replica on port {p}"
        );
    }

    const PATHS: &[&str] = &["/api/account/me", "/api/health", "/"];
    let driver = {
        let (base, cookie) = (base.clone(), cookie.clone());
        tokio::spawn(
            async move { load(&base, PATHS, Some(cookie), 8, Duration::from_secs(5)).await },
        )
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    signal(&replicas[1], Signal::SIGTERM);
    let stopped = wait_exit(&mut replicas[1]).await;
    let (outcomes, _) = driver.await.unwrap();
    assert!(
        stopped.success(),
        "the stopped replica exited with {stopped}"
    );

    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.result != Ok(200)).collect();
    assert!(
        failed.is_empty(),
        "{} of {} failed: {failed:?}",
        failed.len(),
        outcomes.len()
    );
    assert!(outcomes.len() > 50, "only {} requests", outcomes.len());
    eprintln!(
        "3 replicas behind nginx, one stopped under load: {} requests, 0 failed",
        outcomes.len()
    );
    for (i, child) in replicas.iter_mut().enumerate() {
        if i != 1 {
            signal(child, Signal::SIGTERM);
            assert!(wait_exit(child).await.success());
        }
    }
    proxy.kill().await.ok();
}
