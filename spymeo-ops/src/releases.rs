//! Release records: one JSON object per successful deploy (or rollback) in S3, under
//! `s3://BUCKET/PREFIX<cluster>/<service>/<UTC time>-<family>-<revision>.json`.
//! The key starts with the time, so listing sorts them; `rollback` picks from them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, aws};
use crate::model::{same_task_definition, short_task_definition};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub task_definition_arn: String,
    pub image: String,
    pub time: DateTime<Utc>,
    /// Caller identity ARN, else $GITHUB_ACTOR or $USER.
    pub who: String,
    pub cluster: String,
    pub service: String,
    /// `deploy` or `rollback`.
    pub kind: String,
    /// For a rollback: the release it moved away from (never picked again by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolled_back_from: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Store {
    pub bucket: String,
    /// Ends with `/` or is empty.
    pub prefix: String,
}

impl Store {
    pub fn new(bucket: impl Into<String>, prefix: &str) -> Store {
        let mut prefix = prefix.trim_start_matches('/').to_owned();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        Store {
            bucket: bucket.into(),
            prefix,
        }
    }

    fn service_prefix(&self, cluster: &str, service: &str) -> String {
        format!("{}{cluster}/{service}/", self.prefix)
    }

    pub fn key(&self, r: &Release) -> String {
        format!(
            "{}{}-{}.json",
            self.service_prefix(&r.cluster, &r.service),
            r.time.format("%Y%m%dT%H%M%S%.3fZ"),
            short_task_definition(&r.task_definition_arn).replace(':', "-")
        )
    }

    pub async fn record(&self, s3: &aws_sdk_s3::Client, r: &Release) -> Result<String> {
        let key = self.key(r);
        let body = serde_json::to_vec_pretty(r).map_err(|e| Error::Invalid(e.to_string()))?;
        s3.put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type("application/json")
            .body(body.into())
            .send()
            .await
            .map_err(aws("s3:PutObject"))?;
        Ok(key)
    }

    /// The `limit` most recent releases of a service, oldest first.
    pub async fn list(
        &self,
        s3: &aws_sdk_s3::Client,
        cluster: &str,
        service: &str,
        limit: usize,
    ) -> Result<Vec<Release>> {
        let prefix = self.service_prefix(cluster, service);
        let mut keys = Vec::new();
        let mut pages = s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(aws("s3:ListObjectsV2"))?;
            keys.extend(page.contents().iter().filter_map(|o| o.key.clone()));
        }
        keys.sort();
        let start = keys.len().saturating_sub(limit);
        let mut out = Vec::new();
        for key in &keys[start..] {
            let obj = s3
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .map_err(aws("s3:GetObject"))?;
            let bytes = obj
                .body
                .collect()
                .await
                .map_err(|e| Error::Invalid(format!("s3://{}/{key}: {e}", self.bucket)))?
                .into_bytes();
            let r: Release = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Invalid(format!("s3://{}/{key}: {e}", self.bucket)))?;
            out.push(r);
        }
        out.sort_by_key(|r| r.time);
        Ok(out)
    }
}

/// Where `rollback` goes. `to`: a task definition (ARN or `family:revision`) or an image
/// of a recorded release. Default: the most recent release that is not what runs now and
/// that no rollback has moved away from.
pub fn rollback_target<'a>(
    releases: &'a [Release],
    current_task_definition: &str,
    to: Option<&str>,
) -> Result<&'a Release> {
    if let Some(to) = to {
        return releases
            .iter()
            .rev()
            .find(|r| same_task_definition(&r.task_definition_arn, to) || r.image == to)
            .ok_or_else(|| {
                Error::NotFound(format!("aucune release enregistrée ne correspond à {to}"))
            });
    }
    let bad: Vec<&str> = releases
        .iter()
        .filter_map(|r| r.rolled_back_from.as_deref())
        .collect();
    // Releases recorded after the current one are newer attempts that did not stick.
    let current_at = releases
        .iter()
        .rposition(|r| same_task_definition(&r.task_definition_arn, current_task_definition));
    let candidates = match current_at {
        Some(i) => &releases[..i],
        None => releases,
    };
    candidates
        .iter()
        .rev()
        .find(|r| {
            !same_task_definition(&r.task_definition_arn, current_task_definition)
                && !bad
                    .iter()
                    .any(|b| same_task_definition(b, &r.task_definition_arn))
        })
        .ok_or_else(|| {
            Error::NotFound(format!(
                "aucune release antérieure à {} n'est enregistrée",
                short_task_definition(current_task_definition)
            ))
        })
}

/// Who is releasing: the AWS caller identity when known, else CI's actor, else $USER.
pub fn who(caller_arn: Option<String>) -> String {
    caller_arn
        .or_else(|| std::env::var("GITHUB_ACTOR").ok().filter(|s| !s.is_empty()))
        .or_else(|| std::env::var("USER").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "inconnu".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(rev: u32, minute: u32, kind: &str, from: Option<u32>) -> Release {
        Release {
            task_definition_arn: format!("arn:aws:ecs:eu-west-3:1:task-definition/spymeo:{rev}"),
            image: format!("repo/spymeo:{rev}"),
            time: DateTime::parse_from_rfc3339(&format!("2026-01-01T10:{minute:02}:00Z"))
                .unwrap()
                .into(),
            who: "ci".into(),
            cluster: "c".into(),
            service: "s".into(),
            kind: kind.into(),
            rolled_back_from: from
                .map(|f| format!("arn:aws:ecs:eu-west-3:1:task-definition/spymeo:{f}")),
        }
    }

    #[test]
    fn default_target_is_the_release_before_the_current_one() {
        let r = vec![
            rel(1, 0, "deploy", None),
            rel(2, 1, "deploy", None),
            rel(3, 2, "deploy", None),
        ];
        assert_eq!(
            rollback_target(&r, "spymeo:3", None).unwrap().image,
            "repo/spymeo:2"
        );
        // Running 2 (someone rolled back by hand): go before 2, not forward to 3.
        assert_eq!(
            rollback_target(&r, "spymeo:2", None).unwrap().image,
            "repo/spymeo:1"
        );
        // Running something never recorded: the latest record.
        assert_eq!(
            rollback_target(&r, "spymeo:9", None).unwrap().image,
            "repo/spymeo:3"
        );
    }

    #[test]
    fn a_second_rollback_does_not_return_to_the_bad_release() {
        let r = vec![
            rel(1, 0, "deploy", None),
            rel(2, 1, "deploy", None),
            rel(3, 2, "deploy", None),
            rel(2, 3, "rollback", Some(3)),
        ];
        assert_eq!(
            rollback_target(&r, "spymeo:2", None).unwrap().image,
            "repo/spymeo:1"
        );
    }

    #[test]
    fn explicit_target_by_revision_arn_or_image() {
        let r = vec![rel(1, 0, "deploy", None), rel(2, 1, "deploy", None)];
        assert_eq!(
            rollback_target(&r, "spymeo:2", Some("spymeo:1"))
                .unwrap()
                .image,
            "repo/spymeo:1"
        );
        assert_eq!(
            rollback_target(&r, "spymeo:2", Some("repo/spymeo:1"))
                .unwrap()
                .task_definition_arn,
            "arn:aws:ecs:eu-west-3:1:task-definition/spymeo:1"
        );
        assert!(rollback_target(&r, "spymeo:2", Some("spymeo:7")).is_err());
        assert!(rollback_target(&r[..1], "spymeo:1", None).is_err());
    }

    #[test]
    fn keys_sort_by_time() {
        let s = Store::new("b", "releases");
        let k1 = s.key(&rel(10, 0, "deploy", None));
        let k2 = s.key(&rel(9, 1, "deploy", None));
        assert!(k1 < k2);
        assert!(k1.starts_with("releases/c/s/20260101T100000.000Z-spymeo-10"));
    }
}
