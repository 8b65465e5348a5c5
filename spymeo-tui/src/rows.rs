//! The rows of each view as plain text, filtered: `update` counts and selects them, the
//! renderer draws them. One place decides what a row says, so the two never disagree.

use chrono::{DateTime, Utc};
use ratatui::layout::Constraint;
use spymeo_ops::model::{ServiceSnapshot, short_task_definition};

use crate::state::{State, View, alarm_concerns};

/// How a row should look: the renderer maps it to colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Good,
    Warn,
    Bad,
    Dim,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    pub tone: Tone,
    /// Lines shown by `enter` (drill-down) for this row.
    pub detail: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<&'static str>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Row>,
}

pub fn age(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let s = (now - t).num_seconds().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h {:02}", s / 3600, (s % 3600) / 60),
        _ => format!("{} j", s / 86400),
    }
}

pub fn clock(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

fn opt_clock(t: Option<DateTime<Utc>>) -> String {
    t.map(clock).unwrap_or_else(|| "-".into())
}

fn dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

/// The last path segment, cut to `n` characters: task ids and log streams by their start
/// (how people read them), deployment ids by their end (they all start alike).
fn short_id(id: &str, n: usize) -> String {
    id.rsplit('/')
        .next()
        .unwrap_or(id)
        .chars()
        .take(n)
        .collect()
}

fn short_deployment(id: &str) -> String {
    let id = id.rsplit('/').next().unwrap_or(id);
    let chars: Vec<char> = id.chars().collect();
    chars[chars.len().saturating_sub(8)..].iter().collect()
}

pub fn short_tg(arn: &str) -> &str {
    arn.split("targetgroup/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or(arn)
}

fn matches(filter: &str, cells: &[String]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let f = filter.to_lowercase();
    cells.iter().any(|c| c.to_lowercase().contains(&f))
}

fn filtered(state: &State, view: View, rows: Vec<Row>) -> Vec<Row> {
    let f = &state.filters[view.index()];
    rows.into_iter().filter(|r| matches(f, &r.cells)).collect()
}

/// The services of the overview, in order and filtered (what `enter` picks from).
pub fn overview(state: &State) -> Vec<&ServiceSnapshot> {
    let f = state.filters[View::Overview.index()].as_str();
    state
        .services
        .data
        .iter()
        .flatten()
        .filter(|s| matches(f, &overview_cells(state, s)))
        .collect()
}

fn overview_cells(state: &State, s: &ServiceSnapshot) -> Vec<String> {
    let rollout = match (s.primary(), s.deployments.len()) {
        (Some(p), 1) => p.rollout_state.clone().unwrap_or_else(|| "-".into()),
        // More than one deployment: a rollout (or a rollback) is draining the old one.
        (Some(p), n) => format!("{} ({n})", p.rollout_state.as_deref().unwrap_or("-")),
        (None, _) => "-".into(),
    };
    let targets = {
        let tgs: Vec<_> = state
            .target_groups
            .data
            .iter()
            .flatten()
            .filter(|tg| s.target_group_arns.contains(&tg.target_group_arn))
            .collect();
        if s.target_group_arns.is_empty() {
            "-".into()
        } else if state.target_groups.data.is_none() {
            "?".into()
        } else {
            let healthy: usize = tgs.iter().map(|t| t.summary.healthy).sum();
            let total: usize = tgs.iter().map(|t| t.summary.total).sum();
            format!("{healthy}/{total} ok")
        }
    };
    let alarms = if state.alarms.data.is_none() {
        "?".into()
    } else {
        let (firing, total) = state.alarms_of(s).fold((0, 0), |(f, t), a| {
            (f + usize::from(a.state == "ALARM"), t + 1)
        });
        format!("{firing}/{total}")
    };
    let errors = match state.errors_of(s) {
        _ if s.target_group_arns.is_empty() => "-".into(),
        Some(n) => format!("{n:.0}"),
        None => "?".into(),
    };
    vec![
        s.name.clone(),
        format!("{}/{}", s.running, s.desired),
        rollout,
        targets,
        alarms,
        errors,
    ]
}

fn overview_tone(state: &State, s: &ServiceSnapshot) -> Tone {
    let unhealthy = state
        .target_groups
        .data
        .iter()
        .flatten()
        .filter(|tg| s.target_group_arns.contains(&tg.target_group_arn))
        .any(|tg| !tg.summary.all_healthy);
    let firing = state.alarms_of(s).any(|a| a.state == "ALARM");
    let failed = s.primary().and_then(|p| p.rollout_state.as_deref()) == Some("FAILED");
    if failed || unhealthy || firing || s.running < s.desired {
        Tone::Bad
    } else if s.deployments.len() > 1 || s.pending > 0 {
        Tone::Warn
    } else {
        Tone::Good
    }
}

pub fn table(state: &State, view: View) -> Table {
    match view {
        View::Overview => Table {
            headers: vec![
                "SERVICE",
                "EN COURS",
                "ROLLOUT",
                "CIBLES",
                "ALARMES",
                "5XX 15 MIN",
            ],
            widths: vec![
                Constraint::Fill(2),
                Constraint::Length(8),
                Constraint::Fill(2),
                Constraint::Length(10),
                Constraint::Length(7),
                Constraint::Length(10),
            ],
            rows: overview(state)
                .into_iter()
                .map(|s| Row {
                    cells: overview_cells(state, s),
                    tone: overview_tone(state, s),
                    detail: service_detail(s),
                })
                .collect(),
        },
        View::Deployments => {
            let rows = state
                .focused_service()
                .map(|s| s.deployments.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|d| Row {
                    cells: vec![
                        short_deployment(&d.id),
                        d.status.clone(),
                        dash(&d.rollout_state),
                        short_task_definition(&d.task_definition).to_owned(),
                        format!("{}/{}", d.running, d.desired),
                        d.pending.to_string(),
                        d.failed.to_string(),
                        d.created_at
                            .map(|t| age(state.now, t))
                            .unwrap_or_else(|| "-".into()),
                    ],
                    tone: match d.rollout_state.as_deref() {
                        Some("FAILED") => Tone::Bad,
                        Some("IN_PROGRESS") => Tone::Warn,
                        _ if d.status == "PRIMARY" => Tone::Good,
                        _ => Tone::Normal,
                    },
                    detail: vec![
                        format!("Déploiement {}", d.id),
                        format!("Révision : {}", d.task_definition),
                        format!("Raison : {}", dash(&d.rollout_reason)),
                        format!("Créé à : {}", opt_clock(d.created_at)),
                    ],
                })
                .collect();
            Table {
                headers: vec![
                    "ID",
                    "STATUT",
                    "ROLLOUT",
                    "RÉVISION",
                    "TÂCHES",
                    "ATT.",
                    "ÉCH.",
                    "ÂGE",
                ],
                widths: vec![
                    Constraint::Length(8),
                    Constraint::Length(8),
                    Constraint::Length(11),
                    Constraint::Fill(1),
                    Constraint::Length(6),
                    Constraint::Length(4),
                    Constraint::Length(4),
                    Constraint::Length(8),
                ],
                rows: filtered(state, view, rows),
            }
        }
        View::Tasks => {
            let rows = state
                .task_rows()
                .into_iter()
                .map(|t| {
                    let task = &t.task;
                    let status = if t.forgotten {
                        format!("{} (oubliée)", task.last_status)
                    } else {
                        task.last_status.clone()
                    };
                    let mut detail = vec![
                        format!("Tâche {}", task.arn),
                        format!(
                            "Révision : {}",
                            short_task_definition(&task.task_definition)
                        ),
                        format!(
                            "État : {} (voulu : {})",
                            task.last_status, task.desired_status
                        ),
                        format!(
                            "Arrêt : {} {}",
                            dash(&task.stop_code),
                            dash(&task.stopped_reason)
                        ),
                    ];
                    if t.forgotten {
                        detail.push(format!(
                            "ECS ne la renvoie plus ; vue pour la dernière fois à {}",
                            clock(t.last_seen)
                        ));
                    }
                    for c in &task.containers {
                        detail.push(format!(
                            "Conteneur {} : {} santé {} code {} {}",
                            c.name,
                            dash(&c.last_status),
                            dash(&c.health),
                            c.exit_code
                                .map(|c| c.to_string())
                                .unwrap_or_else(|| "-".into()),
                            c.reason.clone().unwrap_or_default()
                        ));
                    }
                    Row {
                        cells: vec![
                            short_id(task.id(), 12),
                            status,
                            dash(&task.health),
                            short_task_definition(&task.task_definition).to_owned(),
                            task.started_at
                                .map(|t| age(state.now, t))
                                .unwrap_or_else(|| "-".into()),
                            task.stopped_reason.clone().unwrap_or_default(),
                        ],
                        tone: if t.forgotten {
                            Tone::Dim
                        } else if task.last_status == "STOPPED" {
                            Tone::Warn
                        } else if task.health.as_deref() == Some("UNHEALTHY") {
                            Tone::Bad
                        } else {
                            Tone::Normal
                        },
                        detail,
                    }
                })
                .collect();
            Table {
                headers: vec![
                    "TÂCHE",
                    "STATUT",
                    "SANTÉ",
                    "RÉVISION",
                    "DÉMARRÉE",
                    "RAISON D'ARRÊT",
                ],
                widths: vec![
                    Constraint::Length(12),
                    Constraint::Length(18),
                    Constraint::Length(9),
                    Constraint::Length(10),
                    Constraint::Length(8),
                    Constraint::Fill(1),
                ],
                rows: filtered(state, view, rows),
            }
        }
        View::Targets => {
            let rows = state
                .focused_target_groups()
                .into_iter()
                .flat_map(|tg| {
                    tg.targets.iter().map(move |t| Row {
                        cells: vec![
                            short_tg(&tg.target_group_arn).to_owned(),
                            format!(
                                "{}:{}",
                                t.id,
                                t.port.map(|p| p.to_string()).unwrap_or_default()
                            ),
                            t.state.clone(),
                            t.reason.clone().unwrap_or_default(),
                        ],
                        tone: match t.state.as_str() {
                            "healthy" => Tone::Good,
                            "unhealthy" | "unavailable" => Tone::Bad,
                            _ => Tone::Warn,
                        },
                        detail: vec![
                            format!("Cible {} du target group {}", t.id, tg.target_group_arn),
                            format!(
                                "État : {} ({})",
                                t.state,
                                t.reason.clone().unwrap_or_default()
                            ),
                            format!("Description : {}", dash(&t.description)),
                        ],
                    })
                })
                .collect();
            Table {
                headers: vec!["TARGET GROUP", "CIBLE", "ÉTAT", "RAISON"],
                widths: vec![
                    Constraint::Fill(1),
                    Constraint::Length(17),
                    Constraint::Length(10),
                    Constraint::Fill(1),
                ],
                rows: filtered(state, view, rows),
            }
        }
        View::Alarms => {
            let focused = state.focused_service();
            let rows = state
                .alarms
                .data
                .iter()
                .flatten()
                .map(|a| Row {
                    cells: vec![
                        if a.state == "INSUFFICIENT_DATA" {
                            "INSUFFICIENT".into()
                        } else {
                            a.state.clone()
                        },
                        a.name.clone(),
                        a.since
                            .map(|t| age(state.now, t))
                            .unwrap_or_else(|| "-".into()),
                        a.reason.clone().unwrap_or_default(),
                    ],
                    tone: match a.state.as_str() {
                        "ALARM" => Tone::Bad,
                        "OK" => Tone::Good,
                        _ => Tone::Dim,
                    },
                    detail: vec![
                        format!("Alarme {} : {}", a.name, a.state),
                        format!("Depuis : {}", opt_clock(a.since)),
                        format!("Métrique : {}", dash(&a.metric)),
                        format!(
                            "Dimensions : {}",
                            a.dimensions
                                .iter()
                                .map(|(n, v)| format!("{n}={v}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        format!(
                            "Concerne {} : {}",
                            state.focus,
                            if focused.is_some_and(|s| alarm_concerns(a, s)) {
                                "oui"
                            } else {
                                "non"
                            }
                        ),
                        format!("Raison : {}", a.reason.clone().unwrap_or_default()),
                    ],
                })
                .collect();
            Table {
                headers: vec!["ÉTAT", "ALARME", "DEPUIS", "RAISON"],
                widths: vec![
                    Constraint::Length(12),
                    Constraint::Fill(1),
                    Constraint::Length(8),
                    Constraint::Fill(2),
                ],
                rows: filtered(state, view, rows),
            }
        }
        View::Logs => {
            let rows = state
                .logs
                .data
                .iter()
                .flat_map(|t| &t.lines)
                .map(|l| Row {
                    cells: vec![opt_clock(l.time), short_id(&l.stream, 8), l.message.clone()],
                    tone: if l.message.contains("ERROR") || l.message.contains("panicked") {
                        Tone::Bad
                    } else if l.message.contains("WARN") {
                        Tone::Warn
                    } else {
                        Tone::Normal
                    },
                    detail: vec![
                        format!("{} — {}", opt_clock(l.time), l.stream),
                        l.message.clone(),
                    ],
                })
                .collect();
            Table {
                headers: vec!["HEURE", "FLUX", "MESSAGE"],
                widths: vec![
                    Constraint::Length(8),
                    Constraint::Length(8),
                    Constraint::Fill(1),
                ],
                rows: filtered(state, view, rows),
            }
        }
        View::Platform => {
            let rows = state
                .health_history
                .iter()
                .map(|h| Row {
                    cells: vec![
                        clock(h.at),
                        h.http_status
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "-".into()),
                        h.status.clone(),
                        h.latency_ms
                            .map(|l| format!("{l} ms"))
                            .unwrap_or_else(|| "-".into()),
                    ],
                    tone: match h.status.as_str() {
                        "healthy" => Tone::Good,
                        "degraded" => Tone::Warn,
                        _ => Tone::Bad,
                    },
                    detail: vec![format!("{} : {}", clock(h.at), h.status)],
                })
                .collect();
            Table {
                headers: vec!["HEURE", "HTTP", "ÉTAT", "LATENCE"],
                widths: vec![
                    Constraint::Length(8),
                    Constraint::Length(4),
                    Constraint::Fill(1),
                    Constraint::Length(8),
                ],
                rows: filtered(state, view, rows),
            }
        }
    }
}

fn service_detail(s: &ServiceSnapshot) -> Vec<String> {
    let mut lines = vec![
        format!("Service {} ({})", s.name, s.status),
        format!("Révision : {}", short_task_definition(&s.task_definition)),
    ];
    for e in s.events.iter().take(5) {
        lines.push(format!("{} {}", opt_clock(e.created_at), e.message));
    }
    lines
}

pub fn count(state: &State, view: View) -> usize {
    match view {
        View::Overview => overview(state).len(),
        v => table(state, v).rows.len(),
    }
}

/// The index actually selected in a view (logs following the tail select the last line).
pub fn selected(state: &State, view: View, n: usize) -> Option<usize> {
    if n == 0 {
        return None;
    }
    Some(state.selected[view.index()].unwrap_or(n - 1).min(n - 1))
}
