use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use spymeo_tui::keys::action_for;
use spymeo_tui::state::{Mode, Operation, Pending};
use spymeo_tui::update::FetchRequest;
use spymeo_tui::{Action, Effect, State, View, update};

use crate::fixtures::{self, at, config, failed_snapshot, loaded, snapshot, t0};

fn fetch(service: &str, filter: Option<&str>) -> Effect {
    Effect::Fetch(FetchRequest {
        service: service.into(),
        log_filter: filter.map(str::to_owned),
    })
}

#[test]
fn the_first_tick_fetches_then_every_interval_once_the_last_one_is_back() {
    let mut s = State::new(config(), t0());
    assert_eq!(update(&mut s, Action::Tick(t0())), fetch("web", None));
    assert!(s.refreshing);
    // Still loading: no second round on top of the first, even past the interval.
    assert_eq!(update(&mut s, Action::Tick(at(-30))), Effect::None);
    assert_eq!(update(&mut s, Action::Refresh), Effect::None);
    update(&mut s, Action::Loaded(Box::new(snapshot(-30))));
    assert!(!s.refreshing);
    assert_eq!(s.last_refresh, Some(at(-30)));
    // Refresh started at t0, interval 10 s: due at t0+10 s at the earliest.
    assert_eq!(update(&mut s, Action::Tick(at(-31))), fetch("web", None));
    update(&mut s, Action::Loaded(Box::new(snapshot(-31))));
    assert_eq!(update(&mut s, Action::Tick(at(-35))), Effect::None);
    assert_eq!(update(&mut s, Action::Refresh), fetch("web", None));
}

#[test]
fn a_failed_refresh_keeps_the_last_data_and_says_why() {
    let mut s = loaded();
    let before = s.services.data.clone();
    update(&mut s, Action::Refresh);
    update(&mut s, Action::Loaded(Box::new(failed_snapshot(-5))));
    assert_eq!(s.services.data, before);
    assert_eq!(s.services.at, Some(at(4)));
    assert!(
        s.services
            .error
            .as_deref()
            .unwrap()
            .contains("no credentials")
    );
    assert!(s.aws_down().is_some());
    assert_eq!(s.tracked.len(), 3, "tasks stay");
    // The next good refresh clears the errors.
    update(&mut s, Action::Refresh);
    update(&mut s, Action::Loaded(Box::new(snapshot(-10))));
    assert_eq!(s.services.error, None);
    assert!(s.aws_down().is_none());
    assert_eq!(s.services.at, Some(at(-10)));
}

#[test]
fn stopped_tasks_stay_after_ecs_forgets_them() {
    let mut s = loaded();
    let mut next = snapshot(-5);
    next.tasks = Ok(fixtures::tasks().into_iter().take(2).collect());
    update(&mut s, Action::Refresh);
    update(&mut s, Action::Loaded(Box::new(next)));
    let rows = s.task_rows();
    assert_eq!(rows.len(), 3);
    assert!(rows[2].forgotten);
    assert_eq!(
        rows[2].task.stopped_reason.as_deref(),
        Some("Essential container in task exited")
    );
    assert_eq!(rows[2].last_seen, at(4));
    // It comes back (ECS lists it again): no longer flagged, not duplicated.
    update(&mut s, Action::Refresh);
    update(&mut s, Action::Loaded(Box::new(snapshot(-10))));
    assert_eq!(s.tracked.len(), 3);
    assert!(s.tracked.iter().all(|t| !t.forgotten));
}

#[test]
fn the_tracked_tasks_are_bounded_and_drop_the_oldest_forgotten_first() {
    let mut s = loaded();
    let base = fixtures::tasks()[2].clone();
    for round in 0..5 {
        let batch: Vec<_> = (0..60)
            .map(|i| {
                let mut t = base.clone();
                t.arn = format!("{}-{round}-{i}", base.arn);
                t
            })
            .collect();
        let mut next = snapshot(-round);
        next.fetched_at = at(-(round * 10));
        next.tasks = Ok(batch);
        update(&mut s, Action::Refresh);
        update(&mut s, Action::Loaded(Box::new(next)));
    }
    assert_eq!(s.tracked.len(), spymeo_tui::state::MAX_TRACKED_TASKS);
    // The 60 of the last round are live and all kept.
    assert_eq!(s.tracked.iter().filter(|t| !t.forgotten).count(), 60);
    assert!(s.tracked.iter().all(|t| !t.task.arn.ends_with("-0-0")));
}

#[test]
fn moving_clamps_to_the_rows() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Tasks));
    assert_eq!(s.selected[2], Some(0));
    update(&mut s, Action::Up);
    assert_eq!(s.selected[2], Some(0));
    for _ in 0..10 {
        update(&mut s, Action::Down);
    }
    assert_eq!(s.selected[2], Some(2));
    update(&mut s, Action::Top);
    assert_eq!(s.selected[2], Some(0));
}

#[test]
fn logs_follow_the_tail_until_moved() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Logs));
    assert_eq!(s.selected[5], None);
    assert_eq!(spymeo_tui::rows::selected(&s, View::Logs, 6), Some(5));
    update(&mut s, Action::Up);
    assert_eq!(s.selected[5], Some(4));
    update(&mut s, Action::Down);
    assert_eq!(s.selected[5], None, "back at the bottom: follow again");
}

#[test]
fn enter_on_a_service_focuses_it_and_reads_its_tasks_and_logs() {
    let mut s = loaded();
    update(&mut s, Action::Down);
    assert_eq!(update(&mut s, Action::Enter), fetch("worker", None));
    assert_eq!(s.view, View::Deployments);
    assert_eq!(s.focus, "worker");
    assert!(s.tracked.is_empty(), "the web tasks are not the worker's");
    // esc goes back to the overview.
    update(&mut s, Action::Loaded(Box::new(snapshot(-1))));
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Overview);
    // Enter on the focused service again: no new fetch needed.
    update(&mut s, Action::Down);
    assert_eq!(update(&mut s, Action::Enter), Effect::None);
}

#[test]
fn enter_opens_the_detail_and_esc_closes_it_first() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Targets));
    update(&mut s, Action::Down);
    update(&mut s, Action::Enter);
    assert!(s.detail);
    let t = spymeo_tui::rows::table(&s, View::Targets);
    assert!(t.rows[1].detail.iter().any(|l| l.contains("[503]")));
    update(&mut s, Action::Back);
    assert!(!s.detail);
    assert_eq!(s.view, View::Targets);
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Overview);
}

#[test]
fn filters_are_per_view_and_the_log_filter_reads_again() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Alarms));
    update(&mut s, Action::StartFilter);
    for c in "cpu".chars() {
        update(&mut s, Action::FilterChar(c));
    }
    assert_eq!(s.mode, Mode::Filter("cpu".into()));
    assert_eq!(update(&mut s, Action::FilterSubmit), Effect::None);
    let t = spymeo_tui::rows::table(&s, View::Alarms);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].cells[1], "spymeo-cpu");
    // Another view is not filtered.
    assert_eq!(spymeo_tui::rows::table(&s, View::Logs).rows.len(), 6);
    // Esc while typing keeps the applied filter.
    update(&mut s, Action::StartFilter);
    update(&mut s, Action::FilterBackspace);
    update(&mut s, Action::FilterCancel);
    assert_eq!(s.filter(), "cpu");

    update(&mut s, Action::Show(View::Logs));
    update(&mut s, Action::StartFilter);
    for c in "ERROR".chars() {
        update(&mut s, Action::FilterChar(c));
    }
    assert_eq!(
        update(&mut s, Action::FilterSubmit),
        fetch("web", Some("ERROR"))
    );
    assert_eq!(spymeo_tui::rows::table(&s, View::Logs).rows.len(), 1);
}

#[test]
fn actions_are_refused_when_read_only() {
    let mut s = loaded();
    assert_eq!(
        update(&mut s, Action::Ask(Operation::ForceNewDeployment)),
        Effect::None
    );
    assert_eq!(s.mode, Mode::Normal);
    assert!(s.message.as_ref().unwrap().1.contains("--allow-actions"));
    assert_eq!(
        update(&mut s, Action::Ask(Operation::Rollback)),
        Effect::None
    );
}

#[test]
fn an_operation_runs_only_after_the_service_name_is_typed() {
    let mut s = loaded();
    s.config.allow_actions = true;
    update(&mut s, Action::Ask(Operation::ForceNewDeployment));
    assert!(matches!(s.mode, Mode::Confirm(_)));
    for c in "wbe".chars() {
        update(&mut s, Action::ConfirmChar(c));
    }
    assert_eq!(update(&mut s, Action::ConfirmSubmit), Effect::None);
    assert!(s.message.as_ref().unwrap().1.contains("annulé"));
    assert!(!s.action_running);

    update(&mut s, Action::Ask(Operation::ForceNewDeployment));
    for c in "wex".chars() {
        update(&mut s, Action::ConfirmChar(c));
    }
    update(&mut s, Action::ConfirmBackspace);
    update(&mut s, Action::ConfirmChar('b'));
    let Effect::Run(p) = update(&mut s, Action::ConfirmSubmit) else {
        panic!("the operation runs");
    };
    assert_eq!(p.op, Operation::ForceNewDeployment);
    assert_eq!(p.service, "web");
    assert!(s.action_running);
    // A second one is refused while the first runs.
    update(&mut s, Action::Ask(Operation::ForceNewDeployment));
    assert_eq!(s.mode, Mode::Normal);
    // When it ends, the result is shown and the screen reads again.
    assert_eq!(
        update(
            &mut s,
            Action::Finished(Ok("nouveau déploiement lancé".into()))
        ),
        fetch("web", None)
    );
    assert!(!s.action_running);
}

#[test]
fn a_rollback_is_prepared_by_the_runtime_then_confirmed() {
    let mut s = loaded();
    s.config.allow_actions = true;
    assert_eq!(
        update(&mut s, Action::Ask(Operation::Rollback)),
        Effect::PrepareRollback {
            service: "web".into()
        }
    );
    let pending = Pending {
        op: Operation::Rollback,
        service: "web".into(),
        summary: "spymeo:42 → spymeo:41".into(),
        to: Some("arn:aws:ecs:eu-west-3:123456789012:task-definition/spymeo:41".into()),
        image: Some("repo/spymeo:1.4.1".into()),
        typed: String::new(),
    };
    update(&mut s, Action::Prepared(Ok(pending.clone())));
    for c in "web".chars() {
        update(&mut s, Action::ConfirmChar(c));
    }
    assert_eq!(
        update(&mut s, Action::ConfirmSubmit),
        Effect::Run(Pending {
            typed: "web".into(),
            ..pending
        })
    );
    update(
        &mut s,
        Action::Prepared(Err("aucune release antérieure".into())),
    );
    assert!(s.message.as_ref().unwrap().1.contains("aucune release"));
}

#[test]
fn keys_map_like_k9s() {
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let mut s = loaded();
    let name = |a: Option<Action>| format!("{a:?}");
    assert_eq!(name(action_for(&s, key(KeyCode::Char('j')))), "Some(Down)");
    assert_eq!(name(action_for(&s, key(KeyCode::Down))), "Some(Down)");
    assert_eq!(name(action_for(&s, key(KeyCode::Char('k')))), "Some(Up)");
    assert_eq!(name(action_for(&s, key(KeyCode::Enter))), "Some(Enter)");
    assert_eq!(name(action_for(&s, key(KeyCode::Esc))), "Some(Back)");
    assert_eq!(
        name(action_for(&s, key(KeyCode::Char('/')))),
        "Some(StartFilter)"
    );
    assert_eq!(
        name(action_for(&s, key(KeyCode::Char('?')))),
        "Some(ToggleHelp)"
    );
    assert_eq!(
        name(action_for(&s, key(KeyCode::Char('r')))),
        "Some(Refresh)"
    );
    assert_eq!(name(action_for(&s, key(KeyCode::Char('q')))), "Some(Quit)");
    assert_eq!(
        name(action_for(&s, key(KeyCode::Char('3')))),
        "Some(Show(Tasks))"
    );
    assert_eq!(
        name(action_for(
            &s,
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        )),
        "Some(Quit)"
    );
    // While typing a filter, q and j are letters.
    update(&mut s, Action::StartFilter);
    assert_eq!(
        name(action_for(&s, key(KeyCode::Char('q')))),
        "Some(FilterChar('q'))"
    );
    assert_eq!(
        name(action_for(&s, key(KeyCode::Esc))),
        "Some(FilterCancel)"
    );
    assert_eq!(update(&mut s, Action::Quit), Effect::Quit);
    assert!(s.quit);
}
