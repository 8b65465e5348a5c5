//! The deploy engine: pre-flight, next task-definition revision, optional migration task,
//! UpdateService, and following *our* deployment until a verdict (see `rollout`).

use std::time::Duration;

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ContainerOverride, LaunchType, NetworkConfiguration,
    TaskDefinition, TaskOverride,
};
use serde::Serialize;

use crate::aws::Clients;
use crate::error::{Error, Result, aws};
use crate::fetch;
use crate::model::{ServiceSnapshot, Target, TaskSnapshot};
use crate::preflight::{self, Check, Facts};
use crate::rollout::{Evaluation, Phase, Tracker};
use crate::taskdef::{self, Change, TaskDefView};

#[derive(Debug, Clone)]
pub struct Request {
    pub cluster: String,
    pub service: String,
    pub image: String,
    /// The container whose image changes; default: the first essential one.
    pub container: Option<String>,
}

/// What a deploy would do, known before anything changes.
#[derive(Debug, Clone)]
pub struct Plan {
    pub service: ServiceSnapshot,
    pub current: TaskDefinition,
    pub current_view: TaskDefView,
    pub next_view: TaskDefView,
    pub container: String,
    pub diff: Vec<Change>,
}

#[derive(Debug, Clone)]
pub struct Preflight {
    pub checks: Vec<Check>,
    /// Present when the service and its task definition were found.
    pub plan: Option<Plan>,
}

impl Preflight {
    pub fn passed(&self) -> bool {
        self.plan.is_some() && self.checks.iter().all(|c| c.ok)
    }
}

pub async fn describe_task_definition(
    ecs: &aws_sdk_ecs::Client,
    task_definition: &str,
) -> Result<TaskDefinition> {
    ecs.describe_task_definition()
        .task_definition(task_definition)
        .send()
        .await
        .map_err(aws("ecs:DescribeTaskDefinition"))?
        .task_definition
        .ok_or_else(|| {
            Error::NotFound(format!("définition de tâche {task_definition} introuvable"))
        })
}

/// Gathers the facts (concurrently where they are independent) and judges them.
pub async fn preflight(clients: &Clients, req: &Request) -> Result<Preflight> {
    let service = fetch::service_opt(&clients.ecs, &req.cluster, &req.service).await?;
    let mut facts = Facts {
        service_status: service.as_ref().map(|s| s.status.clone()),
        image: req.image.clone(),
        ..Default::default()
    };
    let Some(service) = service else {
        return Ok(Preflight {
            checks: preflight::checks(&facts),
            plan: None,
        });
    };
    let current = describe_task_definition(&clients.ecs, &service.task_definition).await?;
    let current_view = TaskDefView::from(&current);
    let container = current_view
        .app_container(req.container.as_deref())
        .map(|c| c.name.clone());
    facts.container = req.container.clone().or(container.clone());
    facts.container_found = container.is_some();
    facts.rollouts_in_progress = service
        .deployments
        .iter()
        .filter(|d| d.rollout_state.as_deref() == Some("IN_PROGRESS"))
        .map(|d| d.id.clone())
        .collect();

    let secret_ids: Vec<String> = current_view
        .secret_refs()
        .iter()
        .filter_map(|v| preflight::secret_id(v))
        .collect();
    let (secrets, target_groups) = tokio::join!(
        secrets_exist(&clients.secrets, &secret_ids),
        target_groups_exist(&clients.elb, &service.target_group_arns),
    );
    facts.secrets = secrets?;
    facts.target_groups = target_groups?;

    let checks = preflight::checks(&facts);
    let plan = container.map(|container| {
        let next_view = current_view.with_image(&container, &req.image);
        Plan {
            diff: taskdef::diff(&current_view, &next_view),
            service,
            current,
            current_view,
            next_view,
            container,
        }
    });
    Ok(Preflight { checks, plan })
}

async fn secrets_exist(
    sm: &aws_sdk_secretsmanager::Client,
    ids: &[String],
) -> Result<Vec<(String, bool)>> {
    let mut set = tokio::task::JoinSet::new();
    for id in ids {
        let (sm, id) = (sm.clone(), id.clone());
        set.spawn(async move {
            let res = sm.describe_secret().secret_id(&id).send().await;
            (id, res)
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        let (id, res) = joined.map_err(|e| Error::Invalid(e.to_string()))?;
        match res {
            Ok(_) => out.push((id, true)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                out.push((id, false))
            }
            Err(e) => return Err(aws("secretsmanager:DescribeSecret")(e)),
        }
    }
    out.sort();
    Ok(out)
}

async fn target_groups_exist(
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    arns: &[String],
) -> Result<Vec<(String, bool)>> {
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    match elb
        .describe_target_groups()
        .set_target_group_arns(Some(arns.to_vec()))
        .send()
        .await
    {
        Ok(out) => {
            let found: Vec<&str> = out
                .target_groups()
                .iter()
                .filter_map(|t| t.target_group_arn.as_deref())
                .collect();
            Ok(arns
                .iter()
                .map(|a| (a.clone(), found.contains(&a.as_str())))
                .collect())
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_target_group_not_found_exception()) =>
        {
            Ok(arns.iter().map(|a| (a.clone(), false)).collect())
        }
        Err(e) => Err(aws("elbv2:DescribeTargetGroups")(e)),
    }
}

/// Registers the next revision of `current` with `container` running `image`; returns its ARN.
pub async fn register_revision(
    ecs: &aws_sdk_ecs::Client,
    current: &TaskDefinition,
    container: &str,
    image: &str,
) -> Result<String> {
    let out = ecs
        .register_task_definition()
        .set_family(current.family.clone())
        .set_task_role_arn(current.task_role_arn.clone())
        .set_execution_role_arn(current.execution_role_arn.clone())
        .set_network_mode(current.network_mode.clone())
        .set_container_definitions(Some(taskdef::containers_with_image(
            current, container, image,
        )))
        .set_volumes(current.volumes.clone())
        .set_placement_constraints(current.placement_constraints.clone())
        .set_requires_compatibilities(current.requires_compatibilities.clone())
        .set_cpu(current.cpu.clone())
        .set_memory(current.memory.clone())
        .set_pid_mode(current.pid_mode.clone())
        .set_ipc_mode(current.ipc_mode.clone())
        .set_proxy_configuration(current.proxy_configuration.clone())
        .set_ephemeral_storage(current.ephemeral_storage.clone())
        .set_runtime_platform(current.runtime_platform.clone())
        .send()
        .await
        .map_err(aws("ecs:RegisterTaskDefinition"))?;
    out.task_definition
        .and_then(|t| t.task_definition_arn)
        .ok_or_else(|| Error::Invalid("RegisterTaskDefinition sans ARN".into()))
}

/// Points the service at `task_definition`; returns the service as ECS answered.
pub async fn update_service(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
    task_definition: &str,
) -> Result<ServiceSnapshot> {
    let out = ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .task_definition(task_definition)
        .send()
        .await
        .map_err(aws("ecs:UpdateService"))?;
    out.service
        .as_ref()
        .map(ServiceSnapshot::from)
        .ok_or_else(|| Error::Invalid("UpdateService sans service".into()))
}

/// Starts a new deployment of the same task definition (tasks re-read their secrets).
pub async fn force_new_deployment(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> Result<ServiceSnapshot> {
    let out = ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .force_new_deployment(true)
        .send()
        .await
        .map_err(aws("ecs:UpdateService"))?;
    out.service
        .as_ref()
        .map(ServiceSnapshot::from)
        .ok_or_else(|| Error::Invalid("UpdateService sans service".into()))
}

#[derive(Debug, Clone, Copy)]
pub struct FollowOptions {
    /// The time budget: past it, the outcome is `TimedOut`.
    pub timeout: Duration,
    pub interval: Duration,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome", content = "evaluation")]
pub enum Outcome {
    Completed(Evaluation),
    Failed(Evaluation),
    RolledBack(Evaluation),
    TimedOut(Evaluation),
}

impl Outcome {
    pub fn evaluation(&self) -> &Evaluation {
        match self {
            Outcome::Completed(e)
            | Outcome::Failed(e)
            | Outcome::RolledBack(e)
            | Outcome::TimedOut(e) => e,
        }
    }
}

/// Polls the service and its targets until the tracker reaches a verdict or time runs out.
/// `on_eval` sees every evaluation (progress display).
pub async fn follow(
    clients: &Clients,
    cluster: &str,
    service: &str,
    tracker: &mut Tracker,
    opts: FollowOptions,
    mut on_eval: impl FnMut(&Evaluation),
) -> Result<Outcome> {
    let deadline = tokio::time::Instant::now() + opts.timeout;
    loop {
        let svc = fetch::service(&clients.ecs, cluster, service).await?;
        let groups = fetch::target_groups(&clients.elb, &svc.target_group_arns).await?;
        let targets: Vec<Target> = groups.into_iter().flat_map(|g| g.targets).collect();
        let eval = tracker.observe(&svc, Some(&targets));
        on_eval(&eval);
        match eval.phase {
            Phase::Completed => return Ok(Outcome::Completed(eval)),
            Phase::Failed => return Ok(Outcome::Failed(eval)),
            Phase::RolledBack => return Ok(Outcome::RolledBack(eval)),
            Phase::InProgress => {}
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Ok(Outcome::TimedOut(eval));
        }
        tokio::time::sleep(opts.interval.min(deadline - now)).await;
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationRun {
    pub task_arn: String,
    pub exit_code: Option<i32>,
    pub stopped_reason: Option<String>,
    /// The last lines the task wrote to CloudWatch Logs (when it logs there).
    pub log_lines: Vec<String>,
}

impl MigrationRun {
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0)
    }
}

/// Runs `command` once in a task of `task_definition`, with the service's network, and waits
/// for it to stop. Its exit code and its logs decide whether the deploy goes on.
pub async fn run_migration(
    clients: &Clients,
    svc: &ServiceSnapshot,
    task_definition: &TaskDefinition,
    task_definition_arn: &str,
    container: &str,
    command: &[String],
    opts: FollowOptions,
) -> Result<MigrationRun> {
    let timeout = opts.timeout;
    let cluster = svc.cluster_arn.as_str();
    let mut run = clients
        .ecs
        .run_task()
        .cluster(cluster)
        .task_definition(task_definition_arn)
        .started_by("spymeo-migrate")
        .launch_type(
            svc.launch_type
                .as_deref()
                .map(LaunchType::from)
                .unwrap_or(LaunchType::Fargate),
        )
        .overrides(
            TaskOverride::builder()
                .container_overrides(
                    ContainerOverride::builder()
                        .name(container)
                        .set_command(Some(command.to_vec()))
                        .build(),
                )
                .build(),
        );
    if !svc.subnets.is_empty() {
        let vpc = AwsVpcConfiguration::builder()
            .set_subnets(Some(svc.subnets.clone()))
            .set_security_groups(Some(svc.security_groups.clone()))
            .set_assign_public_ip(svc.assign_public_ip.as_deref().map(AssignPublicIp::from))
            .build()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        run = run.network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(vpc)
                .build(),
        );
    }
    let out = run.send().await.map_err(aws("ecs:RunTask"))?;
    if let Some(f) = out.failures().first() {
        return Err(Error::Invalid(format!(
            "RunTask : {}",
            f.reason.as_deref().unwrap_or("échec sans raison")
        )));
    }
    let task_arn = out
        .tasks()
        .first()
        .and_then(|t| t.task_arn.clone())
        .ok_or_else(|| Error::Invalid("RunTask n'a lancé aucune tâche".into()))?;

    let deadline = tokio::time::Instant::now() + timeout;
    let task: TaskSnapshot = loop {
        let tasks = fetch::describe_tasks(&clients.ecs, cluster, vec![task_arn.clone()]).await?;
        if let Some(t) = tasks.into_iter().next()
            && t.last_status == "STOPPED"
        {
            break t;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::Invalid(format!(
                "la tâche de migration {task_arn} n'est pas terminée après {} s",
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(opts.interval).await;
    };
    let exit_code = task
        .containers
        .iter()
        .find(|c| c.name == container)
        .and_then(|c| c.exit_code);
    let log_lines = migration_logs(clients, task_definition, container, task.id())
        .await
        .unwrap_or_default();
    Ok(MigrationRun {
        task_arn,
        exit_code,
        stopped_reason: task.stopped_reason,
        log_lines,
    })
}

/// The awslogs stream of a task's container: `<prefix>/<container>/<task id>`.
async fn migration_logs(
    clients: &Clients,
    td: &TaskDefinition,
    container: &str,
    task_id: &str,
) -> Result<Vec<String>> {
    let Some(options) = td
        .container_definitions()
        .iter()
        .find(|c| c.name.as_deref() == Some(container))
        .and_then(|c| c.log_configuration.as_ref())
        .and_then(|l| l.options.as_ref())
    else {
        return Ok(Vec::new());
    };
    let (Some(group), Some(prefix)) = (
        options.get("awslogs-group"),
        options.get("awslogs-stream-prefix"),
    ) else {
        return Ok(Vec::new());
    };
    let out = clients
        .logs
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(format!("{prefix}/{container}/{task_id}"))
        .start_from_head(false)
        .limit(50)
        .send()
        .await
        .map_err(aws("logs:GetLogEvents"))?;
    Ok(out
        .events()
        .iter()
        .filter_map(|e| e.message.clone())
        .collect())
}
