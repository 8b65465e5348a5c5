//! The console without a terminal or AWS: `update` driven by plain actions, and every view
//! drawn on ratatui's `TestBackend` (80×24 and 160×48) and compared with insta snapshots.

mod fixtures;
mod screens;
mod updates;
