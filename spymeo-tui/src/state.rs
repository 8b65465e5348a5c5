//! What the console knows: the last data of each source (with its age and its last error),
//! where the operator is, and what they are typing. Plain data, changed only by `update`.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};
use spymeo_ops::console::{AlarmInfo, HealthSample, LogTail, TargetGroupErrors};
use spymeo_ops::fetch::TargetGroupHealth;
use spymeo_ops::model::{ServiceSnapshot, TaskSnapshot};

/// How the console was started (flags).
#[derive(Debug, Clone)]
pub struct Config {
    pub cluster: String,
    pub service: String,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub refresh: Duration,
    pub allow_actions: bool,
    pub app_url: Option<String>,
    pub color: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Overview,
    Deployments,
    Tasks,
    Targets,
    Alarms,
    Logs,
    Platform,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Overview,
        View::Deployments,
        View::Tasks,
        View::Targets,
        View::Alarms,
        View::Logs,
        View::Platform,
    ];

    pub fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Vue d'ensemble",
            View::Deployments => "Déploiements",
            View::Tasks => "Tâches",
            View::Targets => "Cibles",
            View::Alarms => "Alarmes",
            View::Logs => "Logs",
            View::Platform => "Plateforme",
        }
    }
}

/// The last data a source returned, when, and why the latest refresh of it failed.
#[derive(Debug, Clone)]
pub struct Source<T> {
    pub data: Option<T>,
    pub at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl<T> Default for Source<T> {
    fn default() -> Self {
        Source {
            data: None,
            at: None,
            error: None,
        }
    }
}

impl<T> Source<T> {
    /// A failure keeps the previous data: on-call people still need to see it, with its age.
    pub fn apply(&mut self, result: Result<T, String>, at: DateTime<Utc>) {
        match result {
            Ok(v) => {
                self.data = Some(v);
                self.at = Some(at);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }
}

/// A task as the console last saw it. ECS forgets stopped tasks after about an hour; the
/// console keeps them (flagged) so the stopped reason of a crash stays readable.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedTask {
    pub task: TaskSnapshot,
    pub last_seen: DateTime<Utc>,
    /// No longer returned by ECS.
    pub forgotten: bool,
}

/// One `/api/health` reading, kept in the platform view's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthPoint {
    pub at: DateTime<Utc>,
    pub http_status: Option<u16>,
    pub status: String,
    pub latency_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    ForceNewDeployment,
    Rollback,
}

impl Operation {
    pub fn label(self) -> &'static str {
        match self {
            Operation::ForceNewDeployment => "redéploiement forcé",
            Operation::Rollback => "retour arrière",
        }
    }
}

/// A prepared operation waiting for the operator to type the service's name.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub op: Operation,
    pub service: String,
    /// What will happen, in words (e.g. "spymeo:3 → spymeo:2").
    pub summary: String,
    /// The task definition a rollback goes to, and its recorded image.
    pub to: Option<String>,
    pub image: Option<String>,
    pub typed: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// Typing a filter for the current view.
    Filter(String),
    Help,
    Confirm(Pending),
}

pub const MAX_TRACKED_TASKS: usize = 200;
pub const MAX_HEALTH_HISTORY: usize = 120;

#[derive(Debug, Clone)]
pub struct State {
    pub config: Config,
    pub now: DateTime<Utc>,
    pub view: View,
    /// Views to go back to with `esc`.
    pub back: Vec<View>,
    /// Selected row per view (`None` on logs: follow the tail).
    pub selected: [Option<usize>; 7],
    /// Applied filter per view.
    pub filters: [String; 7],
    /// Whether `enter` opened the detail of the selected row.
    pub detail: bool,
    pub mode: Mode,
    /// The service whose deployments, tasks, targets and logs are shown.
    pub focus: String,

    pub services: Source<Vec<ServiceSnapshot>>,
    pub tasks: Source<Vec<TaskSnapshot>>,
    pub tracked: Vec<TrackedTask>,
    pub target_groups: Source<Vec<TargetGroupHealth>>,
    pub alarms: Source<Vec<AlarmInfo>>,
    pub errors_5xx: Source<Vec<TargetGroupErrors>>,
    pub logs: Source<LogTail>,
    pub health: Source<HealthSample>,
    pub health_history: VecDeque<HealthPoint>,

    pub refreshing: bool,
    pub refresh_started: Option<DateTime<Utc>>,
    pub last_refresh: Option<DateTime<Utc>>,
    pub action_running: bool,
    /// The last thing worth telling (action result, refused key…), with when.
    pub message: Option<(DateTime<Utc>, String)>,
    pub quit: bool,
}

impl State {
    pub fn new(config: Config, now: DateTime<Utc>) -> State {
        State {
            focus: config.service.clone(),
            config,
            now,
            view: View::Overview,
            back: Vec::new(),
            selected: [Some(0), Some(0), Some(0), Some(0), Some(0), None, Some(0)],
            filters: Default::default(),
            detail: false,
            mode: Mode::Normal,
            services: Source::default(),
            tasks: Source::default(),
            tracked: Vec::new(),
            target_groups: Source::default(),
            alarms: Source::default(),
            errors_5xx: Source::default(),
            logs: Source::default(),
            health: Source::default(),
            health_history: VecDeque::new(),
            refreshing: false,
            refresh_started: None,
            last_refresh: None,
            action_running: false,
            message: None,
            quit: false,
        }
    }

    pub fn filter(&self) -> &str {
        &self.filters[self.view.index()]
    }

    pub fn focused_service(&self) -> Option<&ServiceSnapshot> {
        self.services
            .data
            .as_ref()?
            .iter()
            .find(|s| s.name == self.focus || s.arn == self.focus)
    }

    /// The focused service's target groups (all of them before the service is known).
    pub fn focused_target_groups(&self) -> Vec<&TargetGroupHealth> {
        let arns = self.focused_service().map(|s| &s.target_group_arns);
        self.target_groups
            .data
            .iter()
            .flatten()
            .filter(|tg| arns.is_none_or(|a| a.contains(&tg.target_group_arn)))
            .collect()
    }

    /// Tasks shown: running first, then the newest; forgotten ones last.
    pub fn task_rows(&self) -> Vec<&TrackedTask> {
        let mut rows: Vec<&TrackedTask> = self.tracked.iter().collect();
        rows.sort_by_key(|t| {
            (
                t.forgotten,
                t.task.last_status != "RUNNING",
                std::cmp::Reverse(t.task.started_at),
            )
        });
        rows
    }

    /// Alarms that name this service or one of its target groups in their dimensions.
    pub fn alarms_of<'a>(
        &'a self,
        svc: &'a ServiceSnapshot,
    ) -> impl Iterator<Item = &'a AlarmInfo> {
        self.alarms
            .data
            .iter()
            .flatten()
            .filter(move |a| alarm_concerns(a, svc))
    }

    pub fn alarms_in_alarm(&self) -> usize {
        self.alarms
            .data
            .iter()
            .flatten()
            .filter(|a| a.state == "ALARM")
            .count()
    }

    /// 5xx of a service over the window: the sum over its target groups, `None` when unknown.
    pub fn errors_of(&self, svc: &ServiceSnapshot) -> Option<f64> {
        let errors = self.errors_5xx.data.as_ref()?;
        // Folded from +0.0: an empty f64 `sum()` is -0.0, which prints as "-0".
        Some(
            errors
                .iter()
                .filter(|e| svc.target_group_arns.contains(&e.target_group_arn))
                .fold(0.0, |acc, e| acc + e.count),
        )
    }

    /// The error of every AWS source when all failed: AWS unreachable or no credentials.
    pub fn aws_down(&self) -> Option<&str> {
        let errors = [
            self.services.error.as_deref(),
            self.tasks.error.as_deref(),
            self.alarms.error.as_deref(),
        ];
        if errors.iter().all(Option::is_some) {
            errors[0]
        } else {
            None
        }
    }
}

pub fn alarm_concerns(a: &AlarmInfo, svc: &ServiceSnapshot) -> bool {
    a.dimensions
        .iter()
        .any(|(name, value)| match name.as_str() {
            "ServiceName" => *value == svc.name,
            "TargetGroup" => svc
                .target_group_arns
                .iter()
                .any(|arn| arn.ends_with(value.as_str())),
            _ => false,
        })
}
