//! Is *our* deployment done, failed, rolled back — and if not, what are we waiting for?
//!
//! The AWS CLI's `services-stable` waiter only checks that the service has one deployment
//! and `runningCount == desiredCount`; after a circuit-breaker rollback that is true again,
//! so it reports success for a release that is not running. Here the deployment we started
//! is tracked by its task definition (and then by its id, once seen), as ecspresso and
//! copilot-cli do: success needs *that* deployment PRIMARY, COMPLETED, at full count, alone,
//! and every target healthy. Everything here is pure: `observe` takes snapshots.

use serde::Serialize;

use crate::model::{
    Deployment, ServiceSnapshot, Target, same_task_definition, short_task_definition,
};
use crate::targets::{TargetSummary, summarize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    InProgress,
    Completed,
    /// Our rollout failed and nothing replaced it (no circuit-breaker rollback), or another
    /// release superseded ours.
    Failed,
    /// ECS went back to the previous release (circuit breaker with rollback).
    RolledBack,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub phase: Phase,
    /// Why it ended, for Failed and RolledBack.
    pub reason: Option<String>,
    /// What is still missing, in the order an operator would look at it.
    pub waiting_for: Vec<String>,
    pub our_deployment_id: Option<String>,
    pub our_rollout_state: Option<String>,
    /// Running/desired of our deployment (0/0 until it exists).
    pub running: i32,
    pub desired: i32,
    pub primary_task_definition: Option<String>,
    pub targets: Option<TargetSummary>,
}

impl Evaluation {
    pub fn is_final(&self) -> bool {
        self.phase != Phase::InProgress
    }
}

/// Follows one deployment across successive snapshots.
#[derive(Debug, Clone)]
pub struct Tracker {
    our_task_definition: String,
    our_deployment_id: Option<String>,
    /// What the service ran before we started: a PRIMARY with it again means a rollback.
    previous_task_definition: Option<String>,
    /// Deployments that existed before ours, never taken for ours (a forced deployment
    /// reuses the task definition, so only the id tells the new one apart).
    existing_ids: Vec<String>,
}

impl Tracker {
    /// `existing` is the service as it was just before our UpdateService call.
    pub fn new(our_task_definition: impl Into<String>, existing: Option<&ServiceSnapshot>) -> Self {
        Tracker {
            our_task_definition: our_task_definition.into(),
            our_deployment_id: None,
            previous_task_definition: existing
                .and_then(|s| s.primary().map(|p| p.task_definition.clone()))
                .or_else(|| existing.map(|s| s.task_definition.clone())),
            existing_ids: existing
                .map(|s| s.deployments.iter().map(|d| d.id.clone()).collect())
                .unwrap_or_default(),
        }
    }

    pub fn our_task_definition(&self) -> &str {
        &self.our_task_definition
    }

    pub fn previous_task_definition(&self) -> Option<&str> {
        self.previous_task_definition.as_deref()
    }

    /// Learns our deployment's id from the UpdateService answer, when that answer already
    /// shows a new PRIMARY deployment of our task definition.
    pub fn note_update_response(&mut self, after: &ServiceSnapshot) {
        if self.our_deployment_id.is_none()
            && let Some(d) = self.find_new(after)
        {
            self.our_deployment_id = Some(d.id.clone());
        }
    }

    fn find_new<'a>(&self, svc: &'a ServiceSnapshot) -> Option<&'a Deployment> {
        svc.deployments.iter().find(|d| {
            same_task_definition(&d.task_definition, &self.our_task_definition)
                && !self.existing_ids.contains(&d.id)
        })
    }

    pub fn observe(&mut self, svc: &ServiceSnapshot, targets: Option<&[Target]>) -> Evaluation {
        let primary = svc.primary();
        let ours = match &self.our_deployment_id {
            Some(id) => svc.deployments.iter().find(|d| &d.id == id),
            None => self.find_new(svc),
        };
        let mut eval = Evaluation {
            phase: Phase::InProgress,
            reason: None,
            waiting_for: Vec::new(),
            our_deployment_id: self.our_deployment_id.clone(),
            our_rollout_state: None,
            running: 0,
            desired: 0,
            primary_task_definition: primary.map(|p| p.task_definition.clone()),
            targets: targets.map(summarize),
        };
        let Some(ours) = ours else {
            if let Some(id) = &self.our_deployment_id {
                // Ours was there and is gone: ECS removed it after replacing it.
                let (phase, reason) =
                    self.replaced(primary, &format!("le déploiement {id} a disparu"));
                eval.phase = phase;
                eval.reason = Some(reason);
            } else {
                eval.waiting_for.push(format!(
                    "qu'ECS crée le déploiement de {}",
                    short_task_definition(&self.our_task_definition)
                ));
            }
            return eval;
        };
        self.our_deployment_id = Some(ours.id.clone());
        eval.our_deployment_id = Some(ours.id.clone());
        eval.our_rollout_state = ours.rollout_state.clone();
        eval.running = ours.running;
        eval.desired = ours.desired;

        if ours.rollout_state.as_deref() == Some("FAILED") {
            let why = ours
                .rollout_reason
                .clone()
                .unwrap_or_else(|| "déploiement en échec".into());
            match primary {
                Some(p) if p.id != ours.id => {
                    eval.phase = Phase::RolledBack;
                    eval.reason = Some(format!(
                        "{why} — le service est revenu à {}",
                        short_task_definition(&p.task_definition)
                    ));
                }
                _ => {
                    eval.phase = Phase::Failed;
                    eval.reason = Some(why);
                }
            }
            return eval;
        }
        if ours.status != "PRIMARY" {
            if let Some(p) = primary.filter(|p| p.id != ours.id) {
                let (phase, reason) = self.replaced(
                    Some(p),
                    &format!("le déploiement {} n'est plus PRIMARY", ours.id),
                );
                eval.phase = phase;
                eval.reason = Some(reason);
            } else {
                eval.waiting_for.push(format!(
                    "que le déploiement {} devienne PRIMARY (état {})",
                    ours.id, ours.status
                ));
            }
            return eval;
        }

        // Ours is PRIMARY: list everything still missing.
        let completed = match ours.rollout_state.as_deref() {
            Some("COMPLETED") => true,
            Some(other) => {
                eval.waiting_for.push(format!("rollout {other}"));
                false
            }
            // Services without rollout tracking: counts and targets decide alone.
            None => true,
        };
        if ours.running < ours.desired {
            eval.waiting_for.push(format!(
                "tâches {}/{} en cours ({} en attente)",
                ours.running, ours.desired, ours.pending
            ));
        }
        if ours.failed > 0 && !completed {
            eval.waiting_for.push(format!(
                "{} tâche(s) en échec au démarrage (le disjoncteur peut annuler)",
                ours.failed
            ));
        }
        for old in svc.deployments.iter().filter(|d| d.id != ours.id) {
            if old.running + old.pending > 0 {
                eval.waiting_for.push(format!(
                    "l'arrêt de l'ancien déploiement {} ({}) : {} tâche(s)",
                    old.id,
                    short_task_definition(&old.task_definition),
                    old.running + old.pending
                ));
            }
        }
        if let Some(summary) = &eval.targets
            && !svc.target_group_arns.is_empty()
        {
            if !summary.all_healthy {
                eval.waiting_for
                    .push(format!("cibles : {}", summary.describe()));
            } else if (summary.healthy as i32) < ours.desired {
                eval.waiting_for.push(format!(
                    "cibles : {} saine(s) pour {} tâche(s)",
                    summary.healthy, ours.desired
                ));
            }
        }
        if eval.waiting_for.is_empty() {
            eval.phase = Phase::Completed;
        }
        eval
    }

    /// Ours lost PRIMARY to `primary`: a rollback if ECS went back to what ran before (or
    /// says it is rolling back), else someone else's release superseded ours.
    fn replaced(&self, primary: Option<&Deployment>, what: &str) -> (Phase, String) {
        let Some(p) = primary else {
            return (
                Phase::Failed,
                format!("{what} et le service n'a plus de déploiement PRIMARY"),
            );
        };
        let rolling_back = p
            .rollout_reason
            .as_deref()
            .is_some_and(|r| r.contains("circuit breaker") || r.contains("rolling back"));
        let back_to_previous = self
            .previous_task_definition
            .as_deref()
            .is_some_and(|prev| same_task_definition(prev, &p.task_definition));
        if rolling_back || back_to_previous {
            (
                Phase::RolledBack,
                format!(
                    "{what} : retour arrière vers {}{}",
                    short_task_definition(&p.task_definition),
                    p.rollout_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ),
            )
        } else {
            (
                Phase::Failed,
                format!(
                    "{what} : remplacé par un autre déploiement ({})",
                    short_task_definition(&p.task_definition)
                ),
            )
        }
    }
}
