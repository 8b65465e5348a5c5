//! The one error type of the CLI: a one-line cause on stderr and a documented exit code.

use std::process::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Core(#[from] spymeo_core::Error),
    #[error("{0}")]
    Startup(#[from] spymeo_server::startup::StartupError),
    /// Bad combination of flags or missing configuration (exit code 2, like clap's).
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
    /// An AWS control-plane failure (exit code 1).
    #[error("{0}")]
    Ops(#[from] spymeo_ops::Error),
    /// The release did not stick: ECS's circuit breaker rolled it back, or
    /// `--rollback-on-failure` did (exit code 3).
    #[error("{0}")]
    RolledBack(String),
    /// The time budget ran out before a verdict (exit code 4).
    #[error("{0}")]
    TimedOut(String),
    /// A pre-flight check failed; nothing was changed (exit code 5).
    #[error("{0}")]
    Preflight(String),
    /// Targets not all healthy, or smoke checks failing (exit code 6).
    #[error("{0}")]
    Unhealthy(String),
}

/// The exit codes, as `--help` documents them.
pub const EXIT_CODES: &str = "Exit codes: 0 ok, 1 error, 2 usage, 3 rolled back, 4 timed out, \
5 pre-flight failed, 6 unhealthy (targets or smoke checks).";

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::RolledBack(_) => 3,
            CliError::TimedOut(_) => 4,
            CliError::Preflight(_) => 5,
            CliError::Unhealthy(_) => 6,
            _ => 1,
        }
    }

    /// Prints `error: <cause>` on one line (multi-line causes are folded) and returns the code.
    pub fn report(&self) -> ExitCode {
        let msg = self.to_string();
        let one_line = msg.split_whitespace().collect::<Vec<_>>().join(" ");
        eprintln!("error: {one_line}");
        ExitCode::from(self.exit_code())
    }
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;
