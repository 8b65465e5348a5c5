//! `update(state, action) -> Effect`: every change of the console goes through here, and it
//! never does I/O. What must happen outside (fetch, run an operation, quit) comes back as an
//! `Effect` for the runtime to carry out.

use chrono::{DateTime, Utc};
use spymeo_ops::console::Snapshot;

use crate::state::{
    HealthPoint, MAX_HEALTH_HISTORY, MAX_TRACKED_TASKS, Mode, Operation, Pending, State,
    TrackedTask, View,
};

#[derive(Debug, Clone)]
pub enum Action {
    /// The clock moved (the runtime sends one every second; tests send what they want).
    Tick(DateTime<Utc>),
    Up,
    Down,
    Top,
    Bottom,
    Enter,
    Back,
    Show(View),
    NextView,
    PrevView,
    StartFilter,
    FilterChar(char),
    FilterBackspace,
    FilterSubmit,
    FilterCancel,
    ToggleHelp,
    Refresh,
    Quit,
    Loaded(Box<Snapshot>),
    /// `--allow-actions` keys: prepare an operation on the focused service.
    Ask(Operation),
    /// The runtime worked out what a rollback would do (or why it cannot).
    Prepared(Result<Pending, String>),
    ConfirmChar(char),
    ConfirmBackspace,
    ConfirmSubmit,
    ConfirmCancel,
    /// An operation ended (a line to show either way).
    Finished(Result<String, String>),
}

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Fetch(FetchRequest),
    /// Work out the rollback target of this service, then send `Prepared`.
    PrepareRollback {
        service: String,
    },
    Run(Pending),
    Quit,
}

/// The per-refresh parameters that the console's state decides.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchRequest {
    pub service: String,
    pub log_filter: Option<String>,
}

pub fn update(state: &mut State, action: Action) -> Effect {
    match action {
        Action::Tick(now) => {
            state.now = now;
            let due = state
                .refresh_started
                .is_none_or(|t| (now - t).to_std().unwrap_or_default() >= state.config.refresh);
            if due && !state.refreshing {
                return start_refresh(state);
            }
            Effect::None
        }
        Action::Refresh => {
            if state.refreshing {
                return Effect::None;
            }
            start_refresh(state)
        }
        Action::Quit => {
            state.quit = true;
            Effect::Quit
        }
        Action::Up => {
            move_selection(state, -1);
            Effect::None
        }
        Action::Down => {
            move_selection(state, 1);
            Effect::None
        }
        Action::Top => {
            state.selected[state.view.index()] = Some(0);
            Effect::None
        }
        Action::Bottom => {
            let n = row_count(state);
            state.selected[state.view.index()] = if state.view == View::Logs {
                None
            } else {
                Some(n.saturating_sub(1))
            };
            Effect::None
        }
        Action::Enter => enter(state),
        Action::Back => {
            if state.detail {
                state.detail = false;
            } else if let Some(v) = state.back.pop() {
                state.view = v;
            } else if state.view != View::Overview {
                state.view = View::Overview;
            }
            Effect::None
        }
        Action::Show(v) => {
            show(state, v);
            Effect::None
        }
        Action::NextView => {
            let i = (state.view.index() + 1) % View::ALL.len();
            show(state, View::ALL[i]);
            Effect::None
        }
        Action::PrevView => {
            let i = (state.view.index() + View::ALL.len() - 1) % View::ALL.len();
            show(state, View::ALL[i]);
            Effect::None
        }
        Action::StartFilter => {
            state.mode = Mode::Filter(state.filter().to_owned());
            Effect::None
        }
        Action::FilterChar(c) => {
            if let Mode::Filter(f) = &mut state.mode {
                f.push(c);
            }
            Effect::None
        }
        Action::FilterBackspace => {
            if let Mode::Filter(f) = &mut state.mode {
                f.pop();
            }
            Effect::None
        }
        Action::FilterSubmit => {
            let Mode::Filter(f) = std::mem::replace(&mut state.mode, Mode::Normal) else {
                return Effect::None;
            };
            let changed = state.filters[state.view.index()] != f;
            state.filters[state.view.index()] = f;
            let i = state.view.index();
            state.selected[i] = if state.view == View::Logs {
                None
            } else {
                Some(0)
            };
            // The log filter is a CloudWatch filter pattern: it needs a new read.
            if state.view == View::Logs && changed && !state.refreshing {
                return start_refresh(state);
            }
            Effect::None
        }
        Action::FilterCancel => {
            state.mode = Mode::Normal;
            Effect::None
        }
        Action::ToggleHelp => {
            state.mode = if state.mode == Mode::Help {
                Mode::Normal
            } else {
                Mode::Help
            };
            Effect::None
        }
        Action::Loaded(snapshot) => {
            apply_snapshot(state, *snapshot);
            Effect::None
        }
        Action::Ask(op) => ask(state, op),
        Action::Prepared(Ok(pending)) => {
            state.mode = Mode::Confirm(pending);
            Effect::None
        }
        Action::Prepared(Err(e)) => {
            say(state, format!("retour arrière impossible : {e}"));
            Effect::None
        }
        Action::ConfirmChar(c) => {
            if let Mode::Confirm(p) = &mut state.mode {
                p.typed.push(c);
            }
            Effect::None
        }
        Action::ConfirmBackspace => {
            if let Mode::Confirm(p) = &mut state.mode {
                p.typed.pop();
            }
            Effect::None
        }
        Action::ConfirmCancel => {
            if let Mode::Confirm(p) = std::mem::replace(&mut state.mode, Mode::Normal) {
                say(state, format!("{} annulé", p.op.label()));
            }
            Effect::None
        }
        Action::ConfirmSubmit => {
            let Mode::Confirm(p) = std::mem::replace(&mut state.mode, Mode::Normal) else {
                return Effect::None;
            };
            if p.typed != p.service {
                say(
                    state,
                    format!(
                        "{} annulé : « {} » n'est pas le nom du service",
                        p.op.label(),
                        p.typed
                    ),
                );
                return Effect::None;
            }
            state.action_running = true;
            say(state, format!("{} lancé sur {}…", p.op.label(), p.service));
            Effect::Run(p)
        }
        Action::Finished(result) => {
            state.action_running = false;
            match result {
                Ok(m) => say(state, m),
                Err(e) => say(state, format!("échec : {e}")),
            }
            if state.refreshing {
                Effect::None
            } else {
                start_refresh(state)
            }
        }
    }
}

fn say(state: &mut State, message: String) {
    state.message = Some((state.now, message));
}

fn start_refresh(state: &mut State) -> Effect {
    state.refreshing = true;
    state.refresh_started = Some(state.now);
    let log_filter = Some(state.filters[View::Logs.index()].clone()).filter(|f| !f.is_empty());
    Effect::Fetch(FetchRequest {
        service: state.focus.clone(),
        log_filter,
    })
}

fn show(state: &mut State, v: View) {
    if v != state.view {
        state.back.push(state.view);
        state.view = v;
        state.detail = false;
    }
}

fn enter(state: &mut State) -> Effect {
    if state.view == View::Overview {
        let Some(name) = crate::rows::overview(state)
            .get(state.selected[0].unwrap_or(0))
            .map(|s| s.name.clone())
        else {
            return Effect::None;
        };
        show(state, View::Deployments);
        if name != state.focus {
            // Tasks and logs are read for the focused service only.
            state.focus = name;
            state.tracked.clear();
            state.tasks = Default::default();
            state.logs = Default::default();
            if !state.refreshing {
                return start_refresh(state);
            }
        }
        return Effect::None;
    }
    if row_count(state) > 0 {
        state.detail = !state.detail;
    }
    Effect::None
}

fn ask(state: &mut State, op: Operation) -> Effect {
    if !state.config.allow_actions {
        say(
            state,
            "lecture seule : relancez avec --allow-actions pour agir sur le service".into(),
        );
        return Effect::None;
    }
    if state.action_running {
        say(state, "une opération est déjà en cours".into());
        return Effect::None;
    }
    match op {
        Operation::ForceNewDeployment => {
            let td = state
                .focused_service()
                .map(|s| spymeo_ops::model::short_task_definition(&s.task_definition).to_owned())
                .unwrap_or_else(|| "révision actuelle".into());
            state.mode = Mode::Confirm(Pending {
                op,
                service: state.focus.clone(),
                summary: format!("nouvelles tâches de {td} (elles relisent leurs secrets)"),
                to: None,
                image: None,
                typed: String::new(),
            });
            Effect::None
        }
        Operation::Rollback => Effect::PrepareRollback {
            service: state.focus.clone(),
        },
    }
}

fn row_count(state: &State) -> usize {
    crate::rows::count(state, state.view)
}

fn move_selection(state: &mut State, delta: i64) {
    let n = row_count(state);
    let i = state.view.index();
    if n == 0 {
        return;
    }
    let current = match state.selected[i] {
        Some(s) => s.min(n - 1),
        // Logs follow the tail until the operator moves up.
        None => n - 1,
    };
    let next = (current as i64 + delta).clamp(0, n as i64 - 1) as usize;
    state.selected[i] = if state.view == View::Logs && next == n - 1 && delta > 0 {
        None
    } else {
        Some(next)
    };
}

fn apply_snapshot(state: &mut State, s: Snapshot) {
    let at = s.fetched_at;
    state.refreshing = false;
    state.last_refresh = Some(at);
    state.services.apply(s.services, at);
    if let Ok(tasks) = &s.tasks {
        track_tasks(state, tasks, at);
    }
    state.tasks.apply(s.tasks, at);
    state.target_groups.apply(s.target_groups, at);
    state.alarms.apply(s.alarms, at);
    state.errors_5xx.apply(s.errors_5xx, at);
    state.logs.apply(s.logs, at);
    if let Some(h) = s.health {
        let point = match &h {
            Ok(sample) => HealthPoint {
                at: sample.at,
                http_status: Some(sample.http_status),
                status: sample.status.clone().unwrap_or_else(|| "?".into()),
                latency_ms: Some(sample.latency_ms),
            },
            Err(e) => HealthPoint {
                at,
                http_status: None,
                status: e.clone(),
                latency_ms: None,
            },
        };
        state.health_history.push_front(point);
        state.health_history.truncate(MAX_HEALTH_HISTORY);
        state.health.apply(h, at);
    }
}

fn track_tasks(state: &mut State, tasks: &[spymeo_ops::model::TaskSnapshot], at: DateTime<Utc>) {
    for t in &mut state.tracked {
        t.forgotten = !tasks.iter().any(|n| n.arn == t.task.arn);
    }
    for task in tasks {
        match state.tracked.iter_mut().find(|t| t.task.arn == task.arn) {
            Some(t) => {
                t.task = task.clone();
                t.last_seen = at;
            }
            None => state.tracked.push(TrackedTask {
                task: task.clone(),
                last_seen: at,
                forgotten: false,
            }),
        }
    }
    if state.tracked.len() > MAX_TRACKED_TASKS {
        // Drop the forgotten tasks seen longest ago first; live ones always stay.
        let excess = state.tracked.len() - MAX_TRACKED_TASKS;
        let mut forgotten: Vec<(DateTime<Utc>, String)> = state
            .tracked
            .iter()
            .filter(|t| t.forgotten)
            .map(|t| (t.last_seen, t.task.arn.clone()))
            .collect();
        forgotten.sort();
        let drop: Vec<String> = forgotten.into_iter().take(excess).map(|(_, a)| a).collect();
        state.tracked.retain(|t| !drop.contains(&t.task.arn));
    }
}
