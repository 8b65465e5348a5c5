use ratatui::Terminal;
use ratatui::backend::TestBackend;
use spymeo_tui::state::Operation;
use spymeo_tui::{Action, State, View, update};

use crate::fixtures::{self, at, failed_snapshot, loaded, t0};

fn screen(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| spymeo_tui::ui::draw(f, state)).unwrap();
    terminal.backend().to_string()
}

fn both(name: &str, state: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), screen(state, 160, 48));
}

fn view(v: View) -> State {
    let mut s = loaded();
    update(&mut s, Action::Show(v));
    s
}

#[test]
fn overview() {
    both("overview", &view(View::Overview));
}

#[test]
fn deployments() {
    both("deployments", &view(View::Deployments));
}

#[test]
fn tasks_with_a_forgotten_one() {
    let mut s = loaded();
    // ECS stops returning the stopped task: the console keeps it, flagged.
    let mut next = fixtures::snapshot(1);
    next.tasks = Ok(fixtures::tasks().into_iter().take(2).collect());
    update(&mut s, Action::Refresh);
    update(&mut s, Action::Loaded(Box::new(next)));
    update(&mut s, Action::Show(View::Tasks));
    both("tasks", &s);
    // Drill down into the forgotten task.
    update(&mut s, Action::Bottom);
    update(&mut s, Action::Enter);
    both("tasks_detail", &s);
}

#[test]
fn targets() {
    both("targets", &view(View::Targets));
}

#[test]
fn alarms() {
    both("alarms", &view(View::Alarms));
}

#[test]
fn logs() {
    both("logs", &view(View::Logs));
    let mut s = view(View::Logs);
    for a in [
        Action::StartFilter,
        Action::FilterChar('E'),
        Action::FilterChar('R'),
    ] {
        update(&mut s, a);
    }
    both("logs_typing_filter", &s);
}

#[test]
fn platform() {
    both("platform", &view(View::Platform));
    let mut s = loaded();
    s.config.app_url = None;
    s.health = Default::default();
    s.health_history.clear();
    update(&mut s, Action::Show(View::Platform));
    both("platform_without_url", &s);
}

#[test]
fn help() {
    let mut s = loaded();
    update(&mut s, Action::ToggleHelp);
    both("help", &s);
}

#[test]
fn aws_unreachable_keeps_the_last_data() {
    let mut s = loaded();
    update(&mut s, Action::Tick(at(-120)));
    update(&mut s, Action::Loaded(Box::new(failed_snapshot(-119))));
    update(&mut s, Action::Tick(at(-121)));
    both("aws_down", &s);
}

#[test]
fn never_loaded_without_credentials() {
    let mut s = State::new(fixtures::config(), t0());
    update(&mut s, Action::Tick(t0()));
    update(&mut s, Action::Loaded(Box::new(failed_snapshot(0))));
    both("aws_down_no_data", &s);
}

#[test]
fn confirm_force_new_deployment() {
    let mut s = loaded();
    s.config.allow_actions = true;
    update(&mut s, Action::Ask(Operation::ForceNewDeployment));
    for c in "we".chars() {
        update(&mut s, Action::ConfirmChar(c));
    }
    both("confirm", &s);
}
