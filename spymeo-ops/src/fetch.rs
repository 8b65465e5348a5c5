//! Snapshot fetches: public so the TUI reuses them. Each returns plain `model` structs.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::aws::Clients;
use crate::error::{Error, Result, aws};
use crate::model::{Alarm, ServiceSnapshot, Target, TaskSnapshot};
use crate::targets::{TargetSummary, summarize};

/// DescribeServices for one service; `None` when ECS reports it MISSING or INACTIVE.
pub async fn service_opt(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> Result<Option<ServiceSnapshot>> {
    let out = ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(aws("ecs:DescribeServices"))?;
    Ok(out
        .services()
        .iter()
        .map(ServiceSnapshot::from)
        .find(|s| s.status != "INACTIVE"))
}

pub async fn service(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> Result<ServiceSnapshot> {
    service_opt(ecs, cluster, service).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "service {service} introuvable dans le cluster {cluster}"
        ))
    })
}

pub async fn targets(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    target_group_arn: &str,
) -> Result<Vec<Target>> {
    let out = elb
        .describe_target_health()
        .target_group_arn(target_group_arn)
        .send()
        .await
        .map_err(aws("elbv2:DescribeTargetHealth"))?;
    Ok(out
        .target_health_descriptions()
        .iter()
        .map(Target::from)
        .collect())
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupHealth {
    pub target_group_arn: String,
    pub summary: TargetSummary,
    pub targets: Vec<Target>,
}

/// Target health of several target groups, queried concurrently.
pub async fn target_groups(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    arns: &[String],
) -> Result<Vec<TargetGroupHealth>> {
    let mut set = tokio::task::JoinSet::new();
    for (i, arn) in arns.iter().enumerate() {
        let (elb, arn) = (elb.clone(), arn.clone());
        set.spawn(async move { (i, targets(&elb, &arn).await.map(|t| (arn, t))) });
    }
    let mut out: Vec<(usize, TargetGroupHealth)> = Vec::new();
    while let Some(joined) = set.join_next().await {
        let (i, res) = joined.map_err(|e| Error::Invalid(e.to_string()))?;
        let (arn, targets) = res?;
        out.push((
            i,
            TargetGroupHealth {
                target_group_arn: arn,
                summary: summarize(&targets),
                targets,
            },
        ));
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, t)| t).collect())
}

/// The service's running tasks and its recently stopped ones (with their stopped reasons).
pub async fn service_tasks(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> Result<Vec<TaskSnapshot>> {
    let list = |status: aws_sdk_ecs::types::DesiredStatus| {
        ecs.list_tasks()
            .cluster(cluster)
            .service_name(service)
            .desired_status(status)
            .max_results(100)
            .send()
    };
    let (running, stopped) = tokio::try_join!(
        list(aws_sdk_ecs::types::DesiredStatus::Running),
        list(aws_sdk_ecs::types::DesiredStatus::Stopped),
    )
    .map_err(aws("ecs:ListTasks"))?;
    let arns: Vec<String> = running
        .task_arns()
        .iter()
        .chain(stopped.task_arns())
        .take(100)
        .cloned()
        .collect();
    describe_tasks(ecs, cluster, arns).await
}

pub async fn describe_tasks(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    arns: Vec<String>,
) -> Result<Vec<TaskSnapshot>> {
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let out = ecs
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(arns))
        .send()
        .await
        .map_err(aws("ecs:DescribeTasks"))?;
    Ok(out.tasks().iter().map(TaskSnapshot::from).collect())
}

/// CloudWatch alarms currently in ALARM (optionally only those whose name starts with `prefix`).
pub async fn alarms_in_alarm(
    cw: &aws_sdk_cloudwatch::Client,
    prefix: Option<&str>,
) -> Result<Vec<Alarm>> {
    let out = cw
        .describe_alarms()
        .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
        .set_alarm_name_prefix(prefix.map(str::to_owned))
        .max_records(100)
        .send()
        .await
        .map_err(aws("cloudwatch:DescribeAlarms"))?;
    Ok(out.metric_alarms().iter().map(Alarm::from).collect())
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub fetched_at: DateTime<Utc>,
    pub service: ServiceSnapshot,
    pub tasks: Vec<TaskSnapshot>,
    pub target_groups: Vec<TargetGroupHealth>,
    pub alarms: Vec<Alarm>,
    /// Why alarms could not be read (missing permission…): they are secondary, so the rest
    /// of the status is still shown.
    pub alarms_error: Option<String>,
}

/// Everything `spymeo status` shows, read in one concurrent round: the service (then its
/// target groups), the tasks and the alarms are three independent chains run at once.
pub async fn status(
    clients: &Clients,
    cluster: &str,
    service_name: &str,
    alarm_prefix: Option<&str>,
) -> Result<Status> {
    let service_and_targets = async {
        let s = service(&clients.ecs, cluster, service_name).await?;
        let tg = target_groups(&clients.elb, &s.target_group_arns).await?;
        Ok::<_, Error>((s, tg))
    };
    let alarms = async {
        Ok::<_, Error>(
            match alarms_in_alarm(&clients.cloudwatch, alarm_prefix).await {
                Ok(a) => (a, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            },
        )
    };
    let ((service, target_groups), tasks, (alarms, alarms_error)) = tokio::try_join!(
        service_and_targets,
        service_tasks(&clients.ecs, cluster, service_name),
        alarms,
    )?;
    Ok(Status {
        fetched_at: Utc::now(),
        service,
        tasks,
        target_groups,
        alarms,
        alarms_error,
    })
}
