//! `spymeo openapi`: the API contract, the same document the server serves at
//! `/api/openapi.json`, printed without starting anything (the committed `openapi.yaml` is
//! this command's output).

use crate::error::{CliError, Result};

/// Print the OpenAPI 3.1 document of the JSON API (YAML by default).
///
/// Examples:
///   spymeo openapi > openapi.yaml
///   spymeo openapi --format json | jq '.paths | keys | length'
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Yaml,
    Json,
}

pub async fn run(args: Args) -> Result<()> {
    let text = match args.format {
        Format::Yaml => spymeo_server::api::openapi::yaml(),
        Format::Json => spymeo_server::api::openapi::document()
            .to_pretty_json()
            .map_err(|e| CliError::Other(format!("document OpenAPI: {e}")))?,
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Ok(())
}
