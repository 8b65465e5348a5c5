//! Pre-flight verdicts for a deploy: pure, over facts gathered beforehand.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// What `deploy` learned before changing anything.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `Some(status)` when DescribeServices found the service.
    pub service_status: Option<String>,
    pub image: String,
    /// Whether the container to update exists in the current task definition.
    pub container: Option<String>,
    pub container_found: bool,
    /// (secret id, exists) for every Secrets Manager secret the task definition references.
    pub secrets: Vec<(String, bool)>,
    /// Target groups attached to the service, with whether ELBv2 knows them.
    pub target_groups: Vec<(String, bool)>,
    /// Rollouts of the service still IN_PROGRESS before ours (deploys must not stack).
    pub rollouts_in_progress: Vec<String>,
}

pub fn checks(f: &Facts) -> Vec<Check> {
    let mut out = Vec::new();
    let mut push = |name: &str, ok: bool, detail: String| {
        out.push(Check {
            name: name.into(),
            ok,
            detail,
        })
    };
    match f.service_status.as_deref() {
        Some("ACTIVE") => push("service", true, "service ACTIVE".into()),
        Some(other) => push("service", false, format!("service dans l'état {other}")),
        None => push("service", false, "service introuvable".into()),
    }
    let image = image_verdict(&f.image);
    push("image", image.is_ok(), image.unwrap_or_else(|e| e));
    if f.service_status.is_some() {
        push(
            "container",
            f.container_found,
            match (&f.container, f.container_found) {
                (Some(c), true) => format!("conteneur {c} trouvé"),
                (Some(c), false) => format!("conteneur {c} absent de la définition de tâche"),
                (None, _) => "aucun conteneur dans la définition de tâche".into(),
            },
        );
        let missing: Vec<&str> = f
            .secrets
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(s, _)| s.as_str())
            .collect();
        push(
            "secrets",
            missing.is_empty(),
            if missing.is_empty() {
                format!("{} secret(s) référencé(s), tous présents", f.secrets.len())
            } else {
                format!("secret(s) introuvable(s) : {}", missing.join(", "))
            },
        );
        let unknown: Vec<&str> = f
            .target_groups
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(s, _)| s.as_str())
            .collect();
        push(
            "targetGroup",
            !f.target_groups.is_empty() && unknown.is_empty(),
            if f.target_groups.is_empty() {
                "aucun target group attaché au service".into()
            } else if unknown.is_empty() {
                format!("{} target group(s) attaché(s)", f.target_groups.len())
            } else {
                format!("target group(s) introuvable(s) : {}", unknown.join(", "))
            },
        );
        push(
            "noRolloutInProgress",
            f.rollouts_in_progress.is_empty(),
            if f.rollouts_in_progress.is_empty() {
                "aucun déploiement en cours".into()
            } else {
                format!(
                    "déploiement(s) déjà en cours : {}",
                    f.rollouts_in_progress.join(", ")
                )
            },
        );
    }
    out
}

/// An image must name a tag or a digest, and not `latest`: a release has to be
/// reproducible for `rollback` to mean anything.
pub fn image_verdict(image: &str) -> Result<String, String> {
    if image.trim().is_empty() {
        return Err("image manquante (--image)".into());
    }
    if image.chars().any(char::is_whitespace) {
        return Err(format!("image invalide : {image:?}"));
    }
    if image.contains("@sha256:") {
        return Ok(format!("image {image}"));
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Err(format!(
            "image {image} : le tag latest n'identifie pas une version"
        )),
        Some((_, tag)) if !tag.is_empty() => Ok(format!("image {image}")),
        _ => Err(format!("image {image} sans tag ni digest")),
    }
}

/// The Secrets Manager secret id behind a container `secrets[].valueFrom`: the ARN without
/// the `:json-key:version-stage:version-id` suffix. SSM parameters yield `None`.
pub fn secret_id(value_from: &str) -> Option<String> {
    let parts: Vec<&str> = value_from.split(':').collect();
    if parts.len() >= 7 && parts[2] == "secretsmanager" && parts[5] == "secret" {
        Some(parts[..7].join(":"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_need_a_tag_or_digest() {
        assert!(image_verdict("123.dkr.ecr.eu-west-3.amazonaws.com/spymeo:1.4.2").is_ok());
        assert!(image_verdict("localhost:5000/spymeo:abc123").is_ok());
        assert!(image_verdict("repo/spymeo@sha256:0123abcd").is_ok());
        assert!(image_verdict("localhost:5000/spymeo").is_err());
        assert!(image_verdict("repo/spymeo:latest").is_err());
        assert!(image_verdict("").is_err());
    }

    #[test]
    fn secret_ids_drop_the_json_key_suffix() {
        let arn = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:spymeo/db-AbCdEf";
        assert_eq!(secret_id(&format!("{arn}:url::")).as_deref(), Some(arn));
        assert_eq!(secret_id(arn).as_deref(), Some(arn));
        assert_eq!(secret_id("arn:aws:ssm:eu-west-3:123:parameter/x"), None);
    }

    #[test]
    fn a_missing_secret_fails_preflight() {
        let f = Facts {
            service_status: Some("ACTIVE".into()),
            image: "repo/spymeo:2".into(),
            container: Some("app".into()),
            container_found: true,
            secrets: vec![
                ("arn:…:secret:db".into(), true),
                ("arn:…:secret:session".into(), false),
            ],
            target_groups: vec![("arn:tg".into(), true)],
            rollouts_in_progress: vec![],
        };
        let c = checks(&f);
        let failed: Vec<&str> = c
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(failed, ["secrets"]);
        assert!(c[3].detail.contains("arn:…:secret:session"));
    }

    #[test]
    fn a_missing_service_fails_without_further_checks() {
        let c = checks(&Facts {
            image: "repo/spymeo:2".into(),
            ..Default::default()
        });
        assert_eq!(c.len(), 2);
        assert!(!c[0].ok);
    }

    #[test]
    fn no_target_group_or_a_rollout_in_progress_fail() {
        let c = checks(&Facts {
            service_status: Some("ACTIVE".into()),
            image: "repo/spymeo:2".into(),
            container: Some("app".into()),
            container_found: true,
            rollouts_in_progress: vec!["ecs-svc/1".into()],
            ..Default::default()
        });
        let failed: Vec<&str> = c
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(failed, ["targetGroup", "noRolloutInProgress"]);
    }
}
