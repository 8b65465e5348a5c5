//! `spymeo tui`, the on-call console: one screen that says whether production is healthy
//! and, if not, why. The shape follows atuin and ratatui's examples: keys become `Action`s,
//! `update(state, action)` changes the state and returns an `Effect` for the runtime, and
//! drawing is a pure function of the state (clock included), so every screen is testable
//! with plain values.

pub mod app;
pub mod keys;
pub mod operations;
pub mod rows;
pub mod state;
pub mod ui;
pub mod update;

pub use state::{Config, State, View};
pub use update::{Action, Effect, update};
