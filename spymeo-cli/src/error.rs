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
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
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
