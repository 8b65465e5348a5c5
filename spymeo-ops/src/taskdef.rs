//! Task definitions: a plain view for diffs, and the next revision with a new image.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{ContainerDefinition, TaskDefinition};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerView {
    pub name: String,
    pub image: String,
    pub essential: bool,
    /// Names only: values may be sensitive even though they should not be.
    pub environment: Vec<String>,
    /// Name → valueFrom (ARNs, not values).
    pub secrets: BTreeMap<String, String>,
    pub command: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefView {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub containers: Vec<ContainerView>,
}

impl From<&TaskDefinition> for TaskDefView {
    fn from(td: &TaskDefinition) -> Self {
        TaskDefView {
            arn: td.task_definition_arn.clone().unwrap_or_default(),
            family: td.family.clone().unwrap_or_default(),
            revision: td.revision,
            cpu: td.cpu.clone(),
            memory: td.memory.clone(),
            containers: td
                .container_definitions()
                .iter()
                .map(ContainerView::from)
                .collect(),
        }
    }
}

impl From<&ContainerDefinition> for ContainerView {
    fn from(c: &ContainerDefinition) -> Self {
        ContainerView {
            name: c.name.clone().unwrap_or_default(),
            image: c.image.clone().unwrap_or_default(),
            essential: c.essential.unwrap_or(true),
            environment: c
                .environment()
                .iter()
                .filter_map(|kv| kv.name.clone())
                .collect(),
            secrets: c
                .secrets()
                .iter()
                .map(|s| (s.name.clone(), s.value_from.clone()))
                .collect(),
            command: c.command().to_vec(),
        }
    }
}

impl TaskDefView {
    /// The container a deploy updates: the named one, else the first essential one.
    pub fn app_container(&self, name: Option<&str>) -> Option<&ContainerView> {
        match name {
            Some(n) => self.containers.iter().find(|c| c.name == n),
            None => self
                .containers
                .iter()
                .find(|c| c.essential)
                .or(self.containers.first()),
        }
    }

    /// Every `valueFrom` of every container (what pre-flight must find).
    pub fn secret_refs(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .containers
            .iter()
            .flat_map(|c| c.secrets.values().cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The same view with `container`'s image replaced: what the next revision will hold.
    pub fn with_image(&self, container: &str, image: &str) -> TaskDefView {
        let mut next = self.clone();
        next.arn = String::new();
        next.revision = self.revision + 1;
        for c in &mut next.containers {
            if c.name == container {
                c.image = image.to_owned();
            }
        }
        next
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What changes between two revisions, field by field (`--dry-run` prints it).
pub fn diff(old: &TaskDefView, new: &TaskDefView) -> Vec<Change> {
    let mut out = Vec::new();
    let mut cmp = |field: String, a: Option<String>, b: Option<String>| {
        if a != b {
            out.push(Change {
                field,
                before: a,
                after: b,
            });
        }
    };
    cmp(
        "revision".into(),
        Some(format!("{}:{}", old.family, old.revision)),
        Some(format!("{}:{}", new.family, new.revision)),
    );
    cmp("cpu".into(), old.cpu.clone(), new.cpu.clone());
    cmp("memory".into(), old.memory.clone(), new.memory.clone());
    let names: std::collections::BTreeSet<&str> = old
        .containers
        .iter()
        .chain(&new.containers)
        .map(|c| c.name.as_str())
        .collect();
    for name in names {
        let a = old.containers.iter().find(|c| c.name == name);
        let b = new.containers.iter().find(|c| c.name == name);
        cmp(
            format!("containers.{name}.image"),
            a.map(|c| c.image.clone()),
            b.map(|c| c.image.clone()),
        );
        cmp(
            format!("containers.{name}.command"),
            a.map(|c| c.command.join(" ")).filter(|s| !s.is_empty()),
            b.map(|c| c.command.join(" ")).filter(|s| !s.is_empty()),
        );
        cmp(
            format!("containers.{name}.environment"),
            a.map(|c| c.environment.join(",")),
            b.map(|c| c.environment.join(",")),
        );
        let sa: Option<String> = a.map(|c| c.secrets.keys().cloned().collect::<Vec<_>>().join(","));
        let sb: Option<String> = b.map(|c| c.secrets.keys().cloned().collect::<Vec<_>>().join(","));
        cmp(format!("containers.{name}.secrets"), sa, sb);
    }
    out
}

/// Container definitions for the next revision: the current ones, `container`'s image replaced.
pub fn containers_with_image(
    td: &TaskDefinition,
    container: &str,
    image: &str,
) -> Vec<ContainerDefinition> {
    td.container_definitions()
        .iter()
        .cloned()
        .map(|mut c| {
            if c.name.as_deref() == Some(container) {
                c.image = Some(image.to_owned());
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(image: &str, revision: i32) -> TaskDefView {
        TaskDefView {
            arn: format!("arn:aws:ecs:eu-west-3:1:task-definition/spymeo:{revision}"),
            family: "spymeo".into(),
            revision,
            cpu: Some("512".into()),
            memory: Some("1024".into()),
            containers: vec![ContainerView {
                name: "app".into(),
                image: image.into(),
                essential: true,
                environment: vec!["APP_ENV".into()],
                secrets: [("DATABASE_URL".to_owned(), "arn:db:url::".to_owned())].into(),
                command: vec![],
            }],
        }
    }

    #[test]
    fn a_new_image_is_the_only_change_besides_the_revision() {
        let old = view("repo/spymeo:1.0.0", 7);
        let new = old.with_image("app", "repo/spymeo:1.1.0");
        let d = diff(&old, &new);
        assert_eq!(
            d,
            vec![
                Change {
                    field: "revision".into(),
                    before: Some("spymeo:7".into()),
                    after: Some("spymeo:8".into())
                },
                Change {
                    field: "containers.app.image".into(),
                    before: Some("repo/spymeo:1.0.0".into()),
                    after: Some("repo/spymeo:1.1.0".into())
                },
            ]
        );
    }

    #[test]
    fn the_app_container_is_the_first_essential_one() {
        let mut v = view("repo/spymeo:1", 1);
        v.containers.insert(
            0,
            ContainerView {
                name: "log-router".into(),
                image: "fluent-bit:2".into(),
                essential: false,
                environment: vec![],
                secrets: BTreeMap::new(),
                command: vec![],
            },
        );
        assert_eq!(v.app_container(None).unwrap().name, "app");
        assert_eq!(
            v.app_container(Some("log-router")).unwrap().name,
            "log-router"
        );
        assert!(v.app_container(Some("nope")).is_none());
    }
}
