//! SPYMEO's AWS control plane: ECS, ELBv2, Secrets Manager, S3, CloudWatch. The deploy and
//! rotation engines, target health and smoke checks. Decisions are pure functions over
//! snapshots (`model`), so they are tested without AWS; the fetches are public so the TUI
//! reuses them.

pub mod aws;
pub mod console;
pub mod deploy;
pub mod error;
pub mod fetch;
pub mod model;
pub mod preflight;
pub mod releases;
pub mod rollout;
pub mod rotation;
pub mod smoke;
pub mod targets;
pub mod taskdef;

pub use error::{Error, Result};
