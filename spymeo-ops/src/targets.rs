//! Target-health summary: pure, over `DescribeTargetHealth` snapshots.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Target;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetSummary {
    pub total: usize,
    pub healthy: usize,
    /// Count per state (`healthy`, `unhealthy`, `initial`, `draining`…), sorted by name.
    pub by_state: BTreeMap<String, usize>,
    /// Count per reason code of the targets that are not healthy.
    pub reasons: BTreeMap<String, usize>,
    /// True only when there is at least one target and every one is `healthy`: an empty
    /// target group serves nothing, so it never counts as healthy.
    pub all_healthy: bool,
}

pub fn summarize(targets: &[Target]) -> TargetSummary {
    let mut by_state = BTreeMap::new();
    let mut reasons = BTreeMap::new();
    for t in targets {
        *by_state.entry(t.state.clone()).or_insert(0) += 1;
        if t.state != "healthy"
            && let Some(r) = &t.reason
        {
            *reasons.entry(r.clone()).or_insert(0) += 1;
        }
    }
    let healthy = by_state.get("healthy").copied().unwrap_or(0);
    TargetSummary {
        total: targets.len(),
        healthy,
        by_state,
        reasons,
        all_healthy: !targets.is_empty() && healthy == targets.len(),
    }
}

impl TargetSummary {
    /// One line for people: "2/3 healthy; 1 unhealthy (Target.FailedHealthChecks)".
    pub fn describe(&self) -> String {
        if self.total == 0 {
            return "aucune cible enregistrée".into();
        }
        let mut out = format!("{}/{} healthy", self.healthy, self.total);
        let others: Vec<String> = self
            .by_state
            .iter()
            .filter(|(s, _)| s.as_str() != "healthy")
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        if !others.is_empty() {
            out.push_str("; ");
            out.push_str(&others.join(", "));
        }
        if !self.reasons.is_empty() {
            let r: Vec<&str> = self.reasons.keys().map(String::as_str).collect();
            out.push_str(&format!(" ({})", r.join(", ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, state: &str, reason: Option<&str>) -> Target {
        Target {
            id: id.into(),
            port: Some(3000),
            state: state.into(),
            reason: reason.map(Into::into),
            description: None,
        }
    }

    #[test]
    fn every_target_healthy() {
        let s = summarize(&[
            t("10.0.1.5", "healthy", None),
            t("10.0.2.7", "healthy", None),
        ]);
        assert!(s.all_healthy);
        assert_eq!(s.describe(), "2/2 healthy");
    }

    #[test]
    fn failed_health_checks_and_draining_are_not_healthy() {
        let s = summarize(&[
            t("10.0.1.5", "healthy", None),
            t("10.0.2.7", "unhealthy", Some("Target.FailedHealthChecks")),
            t(
                "10.0.1.9",
                "draining",
                Some("Target.DeregistrationInProgress"),
            ),
            t("10.0.2.3", "initial", Some("Elb.RegistrationInProgress")),
        ]);
        assert!(!s.all_healthy);
        assert_eq!(s.healthy, 1);
        assert_eq!(s.reasons["Target.FailedHealthChecks"], 1);
        assert_eq!(
            s.describe(),
            "1/4 healthy; 1 draining, 1 initial, 1 unhealthy (Elb.RegistrationInProgress, Target.DeregistrationInProgress, Target.FailedHealthChecks)"
        );
    }

    #[test]
    fn an_empty_target_group_is_not_healthy() {
        let s = summarize(&[]);
        assert!(!s.all_healthy);
        assert_eq!(s.describe(), "aucune cible enregistrée");
    }
}
