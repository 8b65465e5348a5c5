//! Keys to actions, as k9s/e1s users expect; what a key means depends on the mode
//! (typing a filter or a confirmation takes every printable key).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::state::{Mode, Operation, State, View};
use crate::update::Action;

pub fn action_for(state: &State, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match &state.mode {
        Mode::Filter(_) => match key.code {
            KeyCode::Enter => Some(Action::FilterSubmit),
            KeyCode::Esc => Some(Action::FilterCancel),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Char(c) => Some(Action::FilterChar(c)),
            _ => None,
        },
        Mode::Confirm(_) => match key.code {
            KeyCode::Enter => Some(Action::ConfirmSubmit),
            KeyCode::Esc => Some(Action::ConfirmCancel),
            KeyCode::Backspace => Some(Action::ConfirmBackspace),
            KeyCode::Char(c) => Some(Action::ConfirmChar(c)),
            _ => None,
        },
        Mode::Help => match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Enter => Some(Action::ToggleHelp),
            _ => None,
        },
        Mode::Normal => match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
            KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
            KeyCode::Enter => Some(Action::Enter),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Char('/') => Some(Action::StartFilter),
            KeyCode::Char('?') => Some(Action::ToggleHelp),
            KeyCode::Char('r') => Some(Action::Refresh),
            KeyCode::Tab => Some(Action::NextView),
            KeyCode::BackTab => Some(Action::PrevView),
            KeyCode::Char('D') => Some(Action::Ask(Operation::ForceNewDeployment)),
            KeyCode::Char('B') => Some(Action::Ask(Operation::Rollback)),
            KeyCode::Char(c @ '1'..='7') => {
                Some(Action::Show(View::ALL[c as usize - '1' as usize]))
            }
            _ => None,
        },
    }
}
