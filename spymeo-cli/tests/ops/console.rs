//! One refresh of the on-call console is one round of concurrent AWS calls per dependency
//! level, not one call after another. Between the SDK and moto sits a proxy that holds every
//! request for [`DELAY`] and records when it started and ended. A call's *round* is 1 + the
//! highest round among the calls that had already finished when it started: calls made one
//! after another get rounds 1, 2, 3, … N; calls made at once share a round. The refresh may
//! only take as many rounds as its data dependencies force (services → task definition →
//! log events; services → target health), however many calls it makes.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use spymeo_ops::aws::Clients;
use spymeo_ops::console::{Request as Refresh, snapshot};

use crate::{Ecs, Moto};

/// Long next to moto's own answer time (a few ms), so rounds cannot blur into each other.
const DELAY: Duration = Duration::from_millis(400);

#[derive(Debug, Clone)]
struct Call {
    operation: String,
    start: Duration,
    end: Duration,
}

struct Proxy {
    upstream: String,
    client: reqwest::Client,
    t0: Instant,
    calls: Mutex<Vec<Call>>,
}

/// The AWS operation of a request, whichever protocol the service speaks.
fn operation(req: &axum::http::request::Parts, body: &[u8]) -> String {
    if let Some(target) = req.headers.get("x-amz-target") {
        return target.to_str().unwrap_or("?").to_owned(); // ECS, Logs (JSON 1.1)
    }
    if req.uri.path().contains("/operation/") {
        return req.uri.path().rsplit('/').next().unwrap_or("?").to_owned(); // CloudWatch (CBOR)
    }
    // ELB (query protocol): Action=… in the form body.
    String::from_utf8_lossy(body)
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("?")
        .to_owned()
}

async fn forward(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let start = proxy.t0.elapsed();
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap();
    let op = operation(&parts, &body);
    tokio::time::sleep(DELAY).await;
    let url = format!(
        "{}{}",
        proxy.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut upstream = proxy.client.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let res = upstream.send().await.unwrap();
    let mut out = Response::builder().status(res.status());
    for (name, value) in res.headers() {
        if name != "transfer-encoding" && name != "content-length" {
            out = out.header(name, value);
        }
    }
    let bytes = res.bytes().await.unwrap();
    proxy.calls.lock().unwrap().push(Call {
        operation: op,
        start,
        end: proxy.t0.elapsed(),
    });
    out.body(Body::from(bytes)).unwrap()
}

/// Round of each call, in start order (see the module comment).
fn rounds(calls: &[Call]) -> Vec<(usize, Call)> {
    let mut sorted = calls.to_vec();
    sorted.sort_by_key(|c| c.start);
    let mut out: Vec<(usize, Call)> = Vec::new();
    for call in sorted {
        let before = out
            .iter()
            .filter(|(_, c)| c.end <= call.start)
            .map(|(r, _)| *r)
            .max()
            .unwrap_or(0);
        out.push((before + 1, call));
    }
    out
}

#[test]
fn rounds_tell_sequential_from_concurrent_calls() {
    let at = |op: &str, start: u64, end: u64| Call {
        operation: op.into(),
        start: Duration::from_millis(start),
        end: Duration::from_millis(end),
    };
    let sequential = [at("a", 0, 10), at("b", 11, 20), at("c", 21, 30)];
    let r: Vec<usize> = rounds(&sequential).iter().map(|(r, _)| *r).collect();
    assert_eq!(r, [1, 2, 3]);
    let concurrent = [
        at("a", 0, 10),
        at("b", 1, 11),
        at("c", 12, 20),
        at("d", 2, 9),
    ];
    let r: Vec<usize> = rounds(&concurrent).iter().map(|(r, _)| *r).collect();
    assert_eq!(r, [1, 1, 1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overview_refresh_takes_one_round_of_concurrent_calls_per_dependency_level() {
    let moto = Moto::start(Ecs::Rollouts);
    let setup = moto.setup();
    moto.fixture(&["observability", setup["targetGroup"].as_str().unwrap()]);
    let proxy = Arc::new(Proxy {
        upstream: moto.endpoint.clone(),
        client: reqwest::Client::new(),
        t0: Instant::now(),
        calls: Mutex::new(Vec::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let conf = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("eu-west-3"))
        .endpoint_url(format!("http://{addr}"))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    let clients = Clients::from_config(&conf);
    let req = Refresh {
        cluster: "spymeo".into(),
        service: "web".into(),
        alarm_prefix: None,
        log_group: None,
        log_filter: None,
        window: Duration::from_secs(15 * 60),
        app_url: None,
    };
    let started = Instant::now();
    let snap = snapshot(&clients, &reqwest::Client::new(), &req).await;
    let elapsed = started.elapsed();

    // The refresh worked: every part came back.
    assert!(
        snap.services.as_ref().is_ok_and(|s| !s.is_empty()),
        "{:?}",
        snap.services
    );
    assert!(snap.tasks.is_ok(), "{:?}", snap.tasks);
    assert!(snap.target_groups.is_ok(), "{:?}", snap.target_groups);
    assert!(snap.alarms.is_ok(), "{:?}", snap.alarms);
    assert!(snap.errors_5xx.is_ok(), "{:?}", snap.errors_5xx);
    assert!(snap.logs.is_ok(), "{:?}", snap.logs);
    // …with the data moto holds: both log streams, the 7 errors of the target group.
    let logs = &snap.logs.as_ref().unwrap().lines;
    let errors_logged = logs.iter().filter(|l| l.message.contains("ERROR")).count();
    assert_eq!(errors_logged, 2, "{logs:?}");
    let errors: f64 = snap
        .errors_5xx
        .as_ref()
        .unwrap()
        .iter()
        .map(|e| e.count)
        .sum();
    assert_eq!(errors, 7.0);

    let calls = proxy.calls.lock().unwrap().clone();
    let rounds = rounds(&calls);
    let report: Vec<String> = rounds
        .iter()
        .map(|(r, c)| format!("round {r}: {} ({:?}..{:?})", c.operation, c.start, c.end))
        .collect();
    let report = report.join("\n");
    let deepest = rounds.iter().map(|(r, _)| *r).max().unwrap_or(0);
    let first: Vec<&str> = rounds
        .iter()
        .filter(|(r, _)| *r == 1)
        .map(|(_, c)| c.operation.as_str())
        .collect();
    eprintln!(
        "{} calls in {deepest} rounds, {elapsed:?} (one after another: at least {:?})\n{report}",
        calls.len(),
        DELAY * calls.len() as u32
    );
    // Enough calls that doing them one by one would be unmistakable…
    assert!(calls.len() >= 8, "{report}");
    // …and no more rounds than the dependencies force: ListServices → DescribeServices →
    // DescribeTaskDefinition → FilterLogEvents is the longest chain.
    assert!(
        deepest <= 4,
        "{deepest} rounds for {} calls:\n{report}",
        calls.len()
    );
    // The independent chains all start at once.
    for op in ["ListServices", "ListTasks", "DescribeAlarms"] {
        assert!(
            first.iter().any(|o| o.ends_with(op)),
            "{op} not in the first round:\n{report}"
        );
    }
    assert!(
        elapsed < DELAY * (deepest as u32 + 2),
        "{elapsed:?} for {deepest} rounds"
    );
}
