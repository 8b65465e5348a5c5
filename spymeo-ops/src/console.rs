//! Reads for the on-call console (`spymeo tui`): everything one screen refresh shows, fetched
//! in one round of concurrent calls. Each source keeps its own result, so one failing call
//! (a missing permission, CloudWatch throttling) never hides what the others returned.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::aws::Clients;
use crate::error::{Error, Result, aws};
use crate::fetch::{self, TargetGroupHealth};
use crate::model::{ServiceSnapshot, TaskSnapshot};

/// What the console looks at; the cluster's services are listed, one of them is in focus.
#[derive(Debug, Clone)]
pub struct Request {
    pub cluster: String,
    /// The service whose tasks and logs are read.
    pub service: String,
    pub alarm_prefix: Option<String>,
    /// The log group to tail; by default the awslogs group of the service's task definition.
    pub log_group: Option<String>,
    /// A CloudWatch Logs filter pattern (server side).
    pub log_filter: Option<String>,
    /// How far back the log tail and the 5xx count look.
    pub window: Duration,
    /// The app's base URL; its `/api/health` is read when set.
    pub app_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmInfo {
    pub name: String,
    /// OK, ALARM or INSUFFICIENT_DATA.
    pub state: String,
    pub reason: Option<String>,
    /// When the alarm entered its current state.
    pub since: Option<DateTime<Utc>>,
    pub metric: Option<String>,
    /// `Name=Value` pairs, to tie an alarm to a service or a target group.
    pub dimensions: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupErrors {
    pub target_group_arn: String,
    /// Sum of HTTPCode_Target_5XX_Count over the window.
    pub count: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    pub time: Option<DateTime<Utc>>,
    pub stream: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogTail {
    pub group: String,
    /// Oldest first, at most `MAX_LOG_LINES`.
    pub lines: Vec<LogLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthSample {
    pub at: DateTime<Utc>,
    pub http_status: u16,
    pub latency_ms: u64,
    /// The `status` field of the JSON (healthy, degraded, unhealthy), when it has one.
    pub status: Option<String>,
    pub body: serde_json::Value,
}

/// One refresh. Errors are strings: they are shown, never matched on.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub fetched_at: DateTime<Utc>,
    pub services: Result<Vec<ServiceSnapshot>, String>,
    pub tasks: Result<Vec<TaskSnapshot>, String>,
    pub target_groups: Result<Vec<TargetGroupHealth>, String>,
    pub alarms: Result<Vec<AlarmInfo>, String>,
    pub errors_5xx: Result<Vec<TargetGroupErrors>, String>,
    pub logs: Result<LogTail, String>,
    /// `None` when no app URL was given.
    pub health: Option<Result<HealthSample, String>>,
}

impl Snapshot {
    /// Every source failed the same way (the whole refresh timed out…).
    pub fn failed(message: &str, with_health: bool) -> Snapshot {
        let e = || message.to_owned();
        Snapshot {
            fetched_at: Utc::now(),
            services: Err(e()),
            tasks: Err(e()),
            target_groups: Err(e()),
            alarms: Err(e()),
            errors_5xx: Err(e()),
            logs: Err(e()),
            health: with_health.then(|| Err(e())),
        }
    }
}

pub const MAX_LOG_LINES: usize = 500;
const MAX_LOG_PAGES: usize = 5;

/// The cluster's services (ListServices, then DescribeServices by tens, concurrently).
pub async fn cluster_services(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
) -> Result<Vec<ServiceSnapshot>> {
    let mut arns: Vec<String> = Vec::new();
    let mut token = None;
    loop {
        let out = ecs
            .list_services()
            .cluster(cluster)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(aws("ecs:ListServices"))?;
        arns.extend(out.service_arns().iter().cloned());
        token = out.next_token;
        if token.is_none() || arns.len() >= 100 {
            break;
        }
    }
    let batches = arns.chunks(10).map(|chunk| async move {
        ecs.describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(aws("ecs:DescribeServices"))
    });
    let mut services: Vec<ServiceSnapshot> = Vec::new();
    for out in join_all(batches).await {
        services.extend(
            out?.services()
                .iter()
                .map(ServiceSnapshot::from)
                .filter(|s| s.status != "INACTIVE"),
        );
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(services)
}

/// Every alarm (any state), optionally only those whose name starts with `prefix`.
pub async fn alarms(
    cw: &aws_sdk_cloudwatch::Client,
    prefix: Option<&str>,
) -> Result<Vec<AlarmInfo>> {
    let out = cw
        .describe_alarms()
        .set_alarm_name_prefix(prefix.map(str::to_owned))
        .max_records(100)
        .send()
        .await
        .map_err(aws("cloudwatch:DescribeAlarms"))?;
    let mut list: Vec<AlarmInfo> = out
        .metric_alarms()
        .iter()
        .map(|a| AlarmInfo {
            name: a.alarm_name.clone().unwrap_or_default(),
            state: a
                .state_value
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            reason: a.state_reason.clone(),
            since: crate::model::time(a.state_updated_timestamp.as_ref()),
            metric: a.metric_name.clone(),
            dimensions: a
                .dimensions()
                .iter()
                .map(|d| {
                    (
                        d.name.clone().unwrap_or_default(),
                        d.value.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    // ALARM first, then the rest by name: the first line is what needs a look.
    list.sort_by_key(|a| (a.state != "ALARM", a.name.clone()));
    Ok(list)
}

/// `arn:…:loadbalancer/app/name/id` → `app/name/id` (the CloudWatch dimension value).
pub fn load_balancer_dimension(arn: &str) -> Option<&str> {
    arn.split_once(":loadbalancer/").map(|(_, s)| s)
}

/// `arn:…:targetgroup/name/id` → `targetgroup/name/id`.
pub fn target_group_dimension(arn: &str) -> Option<&str> {
    arn.find("targetgroup/").map(|i| &arn[i..])
}

/// 5xx answered by the targets of each target group over the window (DescribeTargetGroups
/// for the load balancer dimension, then one GetMetricData for all of them).
pub async fn errors_5xx(
    clients: &Clients,
    target_group_arns: &[String],
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Vec<TargetGroupErrors>> {
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    if target_group_arns.is_empty() {
        return Ok(Vec::new());
    }
    let groups = clients
        .elb
        .describe_target_groups()
        .set_target_group_arns(Some(target_group_arns.to_vec()))
        .send()
        .await
        .map_err(aws("elbv2:DescribeTargetGroups"))?;
    let mut queries = Vec::new();
    let mut ids = Vec::new();
    for (i, tg) in groups.target_groups().iter().enumerate() {
        let (Some(arn), Some(lb)) = (
            tg.target_group_arn.as_deref(),
            tg.load_balancer_arns().first(),
        ) else {
            // A target group behind no load balancer serves no traffic: nothing to count.
            continue;
        };
        let (Some(tg_dim), Some(lb_dim)) =
            (target_group_dimension(arn), load_balancer_dimension(lb))
        else {
            continue;
        };
        let metric = Metric::builder()
            .namespace("AWS/ApplicationELB")
            .metric_name("HTTPCode_Target_5XX_Count")
            .dimensions(
                Dimension::builder()
                    .name("TargetGroup")
                    .value(tg_dim)
                    .build(),
            )
            .dimensions(
                Dimension::builder()
                    .name("LoadBalancer")
                    .value(lb_dim)
                    .build(),
            )
            .build();
        let id = format!("tg{i}");
        queries.push(
            MetricDataQuery::builder()
                .id(&id)
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric)
                        .period(60)
                        .stat("Sum")
                        .build(),
                )
                .return_data(true)
                .build(),
        );
        ids.push((id, arn.to_owned()));
    }
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    let start = now - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::minutes(15));
    let out = clients
        .cloudwatch
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(aws_smithy_types::DateTime::from_secs(start.timestamp()))
        .end_time(aws_smithy_types::DateTime::from_secs(now.timestamp()))
        .send()
        .await
        .map_err(aws("cloudwatch:GetMetricData"))?;
    Ok(ids
        .into_iter()
        .map(|(id, arn)| TargetGroupErrors {
            count: out
                .metric_data_results()
                .iter()
                .filter(|r| r.id.as_deref() == Some(id.as_str()))
                .flat_map(|r| r.values().iter())
                .sum(),
            target_group_arn: arn,
        })
        .collect())
}

/// The awslogs group of a task definition's first container that has one.
pub async fn log_group_of(ecs: &aws_sdk_ecs::Client, task_definition: &str) -> Result<String> {
    let td = crate::deploy::describe_task_definition(ecs, task_definition).await?;
    td.container_definitions()
        .iter()
        .filter_map(|c| c.log_configuration.as_ref())
        .find_map(|l| l.options.as_ref()?.get("awslogs-group").cloned())
        .ok_or_else(|| {
            Error::NotFound(format!(
                "aucun groupe de logs awslogs dans {}",
                crate::model::short_task_definition(task_definition)
            ))
        })
}

/// The last lines of a log group across all its streams since `start` (FilterLogEvents,
/// a few pages at most), optionally through a filter pattern.
pub async fn log_tail(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    filter: Option<&str>,
    start: DateTime<Utc>,
) -> Result<LogTail> {
    let mut lines: Vec<LogLine> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_LOG_PAGES {
        let out = logs
            .filter_log_events()
            .log_group_name(group)
            .start_time(start.timestamp_millis())
            .set_filter_pattern(filter.filter(|f| !f.is_empty()).map(str::to_owned))
            .set_next_token(token.take())
            .send()
            .await
            .map_err(aws("logs:FilterLogEvents"))?;
        lines.extend(out.events().iter().map(|e| LogLine {
            time: e.timestamp.and_then(DateTime::from_timestamp_millis),
            stream: e.log_stream_name.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default().trim_end().to_owned(),
        }));
        match out.next_token {
            Some(t) if !out.events().is_empty() => token = Some(t),
            _ => break,
        }
    }
    lines.sort_by_key(|l| l.time);
    let skip = lines.len().saturating_sub(MAX_LOG_LINES);
    Ok(LogTail {
        group: group.to_owned(),
        lines: lines.split_off(skip),
    })
}

/// GET `<app_url>/api/health`: status, latency and the JSON body (503 is an answer, not an error).
pub async fn health(http: &reqwest::Client, app_url: &str) -> Result<HealthSample> {
    let url = format!("{}/api/health", app_url.trim_end_matches('/'));
    let started = Instant::now();
    let resp = http
        .get(&url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|e| Error::Http(format!("{url} : {}", e.without_url())))?;
    let http_status = resp.status().as_u16();
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| Error::Http(format!("{url} : réponse non JSON ({})", e.without_url())))?;
    Ok(HealthSample {
        at: Utc::now(),
        http_status,
        latency_ms: started.elapsed().as_millis() as u64,
        status: body
            .get("status")
            .and_then(|s| s.as_str())
            .map(str::to_owned),
        body,
    })
}

/// Everything one console refresh shows, as independent chains run at once:
/// services → (target health ‖ 5xx ‖ log group → log tail), tasks, alarms, app health.
pub async fn snapshot(clients: &Clients, http: &reqwest::Client, req: &Request) -> Snapshot {
    let now = Utc::now();
    let since =
        now - chrono::Duration::from_std(req.window).unwrap_or(chrono::Duration::minutes(15));
    let services_chain = async {
        let services = match cluster_services(&clients.ecs, &req.cluster).await {
            Ok(s) => s,
            Err(e) => {
                let e = e.to_string();
                return (Err(e.clone()), Err(e.clone()), Err(e.clone()), Err(e));
            }
        };
        let mut tg_arns: Vec<String> = Vec::new();
        for arn in services.iter().flat_map(|s| &s.target_group_arns) {
            if !tg_arns.contains(arn) {
                tg_arns.push(arn.clone());
            }
        }
        let focused_td = services
            .iter()
            .find(|s| s.name == req.service || s.arn == req.service)
            .map(|s| s.task_definition.clone());
        let logs = async {
            let group = match (&req.log_group, &focused_td) {
                (Some(g), _) => g.clone(),
                (None, Some(td)) => log_group_of(&clients.ecs, td).await?,
                (None, None) => {
                    return Err(Error::NotFound(format!(
                        "service {} introuvable dans le cluster {}",
                        req.service, req.cluster
                    )));
                }
            };
            log_tail(&clients.logs, &group, req.log_filter.as_deref(), since).await
        };
        let (targets, errors, logs) = tokio::join!(
            fetch::target_groups(&clients.elb, &tg_arns),
            errors_5xx(clients, &tg_arns, now, req.window),
            logs,
        );
        (
            Ok(services),
            targets.map_err(|e| e.to_string()),
            errors.map_err(|e| e.to_string()),
            logs.map_err(|e| e.to_string()),
        )
    };
    let health = async {
        match &req.app_url {
            Some(url) => Some(health(http, url).await.map_err(|e| e.to_string())),
            None => None,
        }
    };
    let ((services, target_groups, errors_5xx, logs), tasks, alarms, health) = tokio::join!(
        services_chain,
        fetch::service_tasks(&clients.ecs, &req.cluster, &req.service),
        alarms(&clients.cloudwatch, req.alarm_prefix.as_deref()),
        health,
    );
    Snapshot {
        fetched_at: Utc::now(),
        services,
        tasks: tasks.map_err(|e| e.to_string()),
        target_groups,
        alarms: alarms.map_err(|e| e.to_string()),
        errors_5xx,
        logs,
        health,
    }
}

/// Runs futures at once and returns their outputs in order (a tiny `join_all`, no extra crate).
async fn join_all<F: std::future::Future>(futs: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in set.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_from_arns() {
        assert_eq!(
            load_balancer_dimension(
                "arn:aws:elasticloadbalancing:eu-west-3:1:loadbalancer/app/spymeo/50dc6c495c0c9188"
            ),
            Some("app/spymeo/50dc6c495c0c9188")
        );
        assert_eq!(
            target_group_dimension(
                "arn:aws:elasticloadbalancing:eu-west-3:1:targetgroup/spymeo-web/73e2d6bc24d8a067"
            ),
            Some("targetgroup/spymeo-web/73e2d6bc24d8a067")
        );
        assert_eq!(load_balancer_dimension("nope"), None);
    }

    #[tokio::test]
    async fn join_all_keeps_order() {
        let out = join_all((0..5u64).map(|i| async move {
            tokio::time::sleep(Duration::from_millis(20 - i * 4)).await;
            i
        }))
        .await;
        assert_eq!(out, vec![0, 1, 2, 3, 4]);
    }
}
