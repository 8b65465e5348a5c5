//! The two operations `--allow-actions` enables, through the same spymeo-ops functions as
//! `spymeo deploy` and `spymeo rollback`: UpdateService, then follow *our* deployment to a
//! verdict, and record the release when a rollback sticks.

use std::time::Duration;

use spymeo_ops::aws::Clients;
use spymeo_ops::deploy::{self, FollowOptions, Outcome};
use spymeo_ops::model::{same_task_definition, short_task_definition};
use spymeo_ops::releases::{self, Release, Store};
use spymeo_ops::rollout::Tracker;

use crate::state::{Operation, Pending};

#[derive(Debug, Clone)]
pub struct Target {
    pub cluster: String,
    pub releases: Option<Store>,
    pub follow: FollowOptions,
}

impl Target {
    pub fn new(cluster: String, releases: Option<Store>) -> Target {
        Target {
            cluster,
            releases,
            follow: FollowOptions {
                timeout: Duration::from_secs(900),
                interval: Duration::from_secs(5),
            },
        }
    }
}

/// Where a rollback of `service` would go: the last known-good release when a releases
/// bucket is set (as `spymeo rollback`), else the revision of the deployment being
/// replaced, while ECS still lists it.
pub async fn prepare_rollback(
    clients: &Clients,
    target: &Target,
    service: &str,
) -> Result<Pending, String> {
    let svc = spymeo_ops::fetch::service(&clients.ecs, &target.cluster, service)
        .await
        .map_err(|e| e.to_string())?;
    let current = svc.task_definition.clone();
    let (to, image) = match &target.releases {
        Some(store) => {
            let list = store
                .list(&clients.s3, &target.cluster, service, 100)
                .await
                .map_err(|e| e.to_string())?;
            let r = releases::rollback_target(&list, &current, None).map_err(|e| e.to_string())?;
            (r.task_definition_arn.clone(), Some(r.image.clone()))
        }
        None => {
            let previous = svc
                .deployments
                .iter()
                .find(|d| !same_task_definition(&d.task_definition, &current))
                .ok_or_else(|| {
                    "sans --releases-bucket, seule la révision d'un déploiement en cours de \
                     remplacement est connue ; utilisez spymeo rollback --to"
                        .to_owned()
                })?;
            (previous.task_definition.clone(), None)
        }
    };
    Ok(Pending {
        op: Operation::Rollback,
        service: service.to_owned(),
        summary: format!(
            "{} → {}{}",
            short_task_definition(&current),
            short_task_definition(&to),
            image
                .as_deref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default()
        ),
        to: Some(to),
        image,
        typed: String::new(),
    })
}

/// Runs a confirmed operation to its verdict; the line says how it ended.
pub async fn run(clients: &Clients, target: &Target, p: &Pending) -> Result<String, String> {
    let cluster = target.cluster.as_str();
    let service = p.service.as_str();
    let before = spymeo_ops::fetch::service(&clients.ecs, cluster, service)
        .await
        .map_err(|e| e.to_string())?;
    let (td, after) = match (p.op, &p.to) {
        (Operation::ForceNewDeployment, _) => {
            let after = deploy::force_new_deployment(&clients.ecs, cluster, service)
                .await
                .map_err(|e| e.to_string())?;
            (before.task_definition.clone(), after)
        }
        (Operation::Rollback, Some(to)) => {
            let after = deploy::update_service(&clients.ecs, cluster, service, to)
                .await
                .map_err(|e| e.to_string())?;
            (to.clone(), after)
        }
        (Operation::Rollback, None) => return Err("retour arrière sans révision cible".into()),
    };
    let mut tracker = Tracker::new(td.clone(), Some(&before));
    tracker.note_update_response(&after);
    let outcome = deploy::follow(
        clients,
        cluster,
        service,
        &mut tracker,
        target.follow,
        |_| {},
    )
    .await
    .map_err(|e| e.to_string())?;
    let label = p.op.label();
    match outcome {
        Outcome::Completed(_) => {
            if p.op == Operation::Rollback
                && let Some(store) = &target.releases
            {
                let release = Release {
                    task_definition_arn: td.clone(),
                    image: p.image.clone().unwrap_or_default(),
                    time: chrono::Utc::now(),
                    who: releases::who(clients.caller_arn().await),
                    cluster: cluster.into(),
                    service: service.into(),
                    kind: "rollback".into(),
                    rolled_back_from: Some(before.task_definition.clone()),
                };
                store
                    .record(&clients.s3, &release)
                    .await
                    .map_err(|e| format!("{label} terminé mais release non enregistrée : {e}"))?;
            }
            Ok(format!(
                "{label} terminé : {service} tourne sur {}",
                short_task_definition(&td)
            ))
        }
        Outcome::RolledBack(e) => Err(format!(
            "{label} annulé par ECS : {}",
            e.reason.unwrap_or_default()
        )),
        Outcome::Failed(e) => Err(format!(
            "{label} en échec : {}",
            e.reason.unwrap_or_default()
        )),
        Outcome::TimedOut(e) => Err(format!(
            "{label} : délai dépassé ; en attente de : {}",
            e.waiting_for.join(" ; ")
        )),
    }
}
