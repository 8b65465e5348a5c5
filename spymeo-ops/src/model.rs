//! Plain snapshots of what AWS reports, converted once from the SDK's types. The decision
//! functions (`rollout`, `targets`, `preflight`) work on these, so tests build them by hand
//! from recorded shapes and never need AWS.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: String,
    /// PRIMARY (the one ECS converges to), ACTIVE (being drained) or INACTIVE.
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed: i32,
    /// IN_PROGRESS, COMPLETED or FAILED; absent when the service has no rollout tracking.
    pub rollout_state: Option<String>,
    pub rollout_reason: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEvent {
    pub created_at: Option<DateTime<Utc>>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSnapshot {
    pub name: String,
    pub arn: String,
    pub cluster_arn: String,
    /// ACTIVE, DRAINING or INACTIVE.
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub deployments: Vec<Deployment>,
    pub target_group_arns: Vec<String>,
    /// The deployment circuit breaker: (enabled, rollback).
    pub circuit_breaker: Option<(bool, bool)>,
    pub launch_type: Option<String>,
    /// awsvpc subnets and security groups, reused by the one-off migration task.
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: Option<String>,
    /// Most recent first, as ECS returns them (trimmed to a few).
    pub events: Vec<ServiceEvent>,
}

impl ServiceSnapshot {
    pub fn primary(&self) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.status == "PRIMARY")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub id: String,
    pub port: Option<i32>,
    /// initial, healthy, unhealthy, unused, draining, unavailable.
    pub state: String,
    /// e.g. Target.FailedHealthChecks, Elb.RegistrationInProgress, Target.DeregistrationInProgress.
    pub reason: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerSnapshot {
    pub name: String,
    pub image: Option<String>,
    pub last_status: Option<String>,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub health: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSnapshot {
    pub arn: String,
    pub task_definition: String,
    pub last_status: String,
    pub desired_status: String,
    /// HEALTHY, UNHEALTHY or UNKNOWN (container health checks).
    pub health: Option<String>,
    pub stopped_reason: Option<String>,
    pub stop_code: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub containers: Vec<ContainerSnapshot>,
}

impl TaskSnapshot {
    /// The short id at the end of the ARN (what the console and the logs show).
    pub fn id(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alarm {
    pub name: String,
    pub state: String,
    pub reason: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

pub(crate) fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

impl From<&aws_sdk_ecs::types::Deployment> for Deployment {
    fn from(d: &aws_sdk_ecs::types::Deployment) -> Self {
        Deployment {
            id: d.id.clone().unwrap_or_default(),
            status: d.status.clone().unwrap_or_default(),
            task_definition: d.task_definition.clone().unwrap_or_default(),
            desired: d.desired_count,
            running: d.running_count,
            pending: d.pending_count,
            failed: d.failed_tasks,
            rollout_state: d.rollout_state.as_ref().map(|s| s.as_str().to_owned()),
            rollout_reason: d.rollout_state_reason.clone(),
            created_at: time(d.created_at.as_ref()),
        }
    }
}

impl From<&aws_sdk_ecs::types::Service> for ServiceSnapshot {
    fn from(s: &aws_sdk_ecs::types::Service) -> Self {
        let vpc = s
            .network_configuration
            .as_ref()
            .and_then(|n| n.awsvpc_configuration.as_ref());
        ServiceSnapshot {
            name: s.service_name.clone().unwrap_or_default(),
            arn: s.service_arn.clone().unwrap_or_default(),
            cluster_arn: s.cluster_arn.clone().unwrap_or_default(),
            status: s.status.clone().unwrap_or_default(),
            task_definition: s.task_definition.clone().unwrap_or_default(),
            desired: s.desired_count,
            running: s.running_count,
            pending: s.pending_count,
            deployments: s.deployments().iter().map(Deployment::from).collect(),
            target_group_arns: s
                .load_balancers()
                .iter()
                .filter_map(|lb| lb.target_group_arn.clone())
                .collect(),
            circuit_breaker: s
                .deployment_configuration
                .as_ref()
                .and_then(|c| c.deployment_circuit_breaker.as_ref())
                .map(|cb| (cb.enable, cb.rollback)),
            launch_type: s.launch_type.as_ref().map(|l| l.as_str().to_owned()),
            subnets: vpc.map(|v| v.subnets().to_vec()).unwrap_or_default(),
            security_groups: vpc
                .map(|v| v.security_groups().to_vec())
                .unwrap_or_default(),
            assign_public_ip: vpc
                .and_then(|v| v.assign_public_ip.as_ref())
                .map(|a| a.as_str().to_owned()),
            events: s
                .events()
                .iter()
                .take(10)
                .map(|e| ServiceEvent {
                    created_at: time(e.created_at.as_ref()),
                    message: e.message.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }
}

impl From<&aws_sdk_elasticloadbalancingv2::types::TargetHealthDescription> for Target {
    fn from(t: &aws_sdk_elasticloadbalancingv2::types::TargetHealthDescription) -> Self {
        let health = t.target_health.as_ref();
        Target {
            id: t
                .target
                .as_ref()
                .and_then(|t| t.id.clone())
                .unwrap_or_default(),
            port: t.target.as_ref().and_then(|t| t.port),
            state: health
                .and_then(|h| h.state.as_ref())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|| "unknown".into()),
            reason: health
                .and_then(|h| h.reason.as_ref())
                .map(|r| r.as_str().to_owned()),
            description: health.and_then(|h| h.description.clone()),
        }
    }
}

impl From<&aws_sdk_ecs::types::Task> for TaskSnapshot {
    fn from(t: &aws_sdk_ecs::types::Task) -> Self {
        TaskSnapshot {
            arn: t.task_arn.clone().unwrap_or_default(),
            task_definition: t.task_definition_arn.clone().unwrap_or_default(),
            last_status: t.last_status.clone().unwrap_or_default(),
            desired_status: t.desired_status.clone().unwrap_or_default(),
            health: t.health_status.as_ref().map(|h| h.as_str().to_owned()),
            stopped_reason: t.stopped_reason.clone(),
            stop_code: t.stop_code.as_ref().map(|c| c.as_str().to_owned()),
            started_at: time(t.started_at.as_ref()),
            containers: t
                .containers()
                .iter()
                .map(|c| ContainerSnapshot {
                    name: c.name.clone().unwrap_or_default(),
                    image: c.image.clone(),
                    last_status: c.last_status.clone(),
                    exit_code: c.exit_code,
                    reason: c.reason.clone(),
                    health: c.health_status.as_ref().map(|h| h.as_str().to_owned()),
                })
                .collect(),
        }
    }
}

impl From<&aws_sdk_cloudwatch::types::MetricAlarm> for Alarm {
    fn from(a: &aws_sdk_cloudwatch::types::MetricAlarm) -> Self {
        Alarm {
            name: a.alarm_name.clone().unwrap_or_default(),
            state: a
                .state_value
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            reason: a.state_reason.clone(),
            updated_at: time(a.state_updated_timestamp.as_ref()),
        }
    }
}

/// `family:revision` from a task definition ARN (or the input unchanged when it is not one).
pub fn short_task_definition(arn: &str) -> &str {
    arn.rsplit_once("task-definition/")
        .map(|(_, s)| s)
        .unwrap_or(arn)
}

/// Whether two task definition references (full ARN or `family:revision`) name the same revision.
pub fn same_task_definition(a: &str, b: &str) -> bool {
    !a.is_empty() && short_task_definition(a) == short_task_definition(b)
}
