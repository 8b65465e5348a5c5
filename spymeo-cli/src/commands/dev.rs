//! `spymeo dev`: the whole platform on this machine with nothing to configure.

use std::net::SocketAddr;
use std::path::PathBuf;

use spymeo_core::devdb::{DevDb, Options};
use spymeo_server::config::Environment;

use super::serve::ServerArgs;
use super::{DatabaseArgs, apply_migrations};
use crate::error::{CliError, Result};
use crate::output::progress;

/// Run SPYMEO locally: a private PostgreSQL under .spymeo/ (unless DATABASE_URL is set),
/// migrations, demo data, local file storage, server on http://127.0.0.1:3000.
/// A second run reuses the cluster and its data. Ctrl-C stops the server and the cluster.
///
/// Examples:
///   spymeo dev
///   spymeo dev --bind 127.0.0.1:8080
///   spymeo dev --reseed
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Where the private cluster and uploaded files live.
    #[arg(long, default_value = ".spymeo")]
    pub dir: PathBuf,
    #[arg(long, env = "SPYMEO_DEV_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Wipe the data and load the demo data again.
    #[arg(long, conflicts_with = "no_seed")]
    pub reseed: bool,
    /// Do not load the demo data into an empty database.
    #[arg(long)]
    pub no_seed: bool,
}

pub async fn run(args: Args) -> Result<()> {
    spymeo_server::telemetry::init(false);
    let cluster = match &args.db.database_url {
        Some(_) => None,
        None => {
            progress(&format!("PostgreSQL privé dans {} …", args.dir.display()));
            let cluster = DevDb::start(&Options {
                dir: args.dir.clone(),
                fast: false,
            })
            .await?;
            progress(&format!(
                "PostgreSQL {} sur 127.0.0.1:{}",
                if cluster.started_here {
                    "démarré"
                } else {
                    "déjà démarré, réutilisé"
                },
                cluster.port()
            ));
            Some(cluster)
        }
    };
    let result = serve(&args, cluster.as_ref()).await;
    if let Some(cluster) = cluster.filter(|c| c.started_here) {
        progress("arrêt de PostgreSQL …");
        if let Err(e) = cluster.stop().await {
            progress(&format!("arrêt de PostgreSQL impossible: {e}"));
        }
    }
    result
}

async fn serve(args: &Args, cluster: Option<&DevDb>) -> Result<()> {
    let url = match cluster {
        Some(c) => {
            c.ensure_database("spymeo").await?;
            c.url("spymeo")
        }
        None => args.db.require()?,
    };
    let applied = apply_migrations(&url, &Default::default()).await?;
    if !applied.is_empty() {
        progress(&format!("{} migration(s) appliquée(s)", applied.len()));
    }
    let pool = spymeo_core::db::connect(&url, &Default::default()).await?;
    let has_users: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(&pool)
        .await
        .map_err(spymeo_core::Error::from)?;
    if args.reseed || (!has_users && !args.no_seed) {
        progress("chargement des données de démonstration …");
        let report = spymeo_core::seed::run(
            &pool,
            &spymeo_core::seed::SeedOptions {
                reset: args.reseed,
                now: chrono::Utc::now(),
            },
        )
        .await?;
        progress(&format!(
            "données de démonstration chargées en {:.1} s ({} lignes)",
            report.elapsed.as_secs_f64(),
            report.counts.iter().map(|(_, n)| n).sum::<i64>()
        ));
    }
    // Every start, not only after a seed: a wiped files/ directory comes back too.
    let storage = spymeo_core::storage::Storage::local(args.dir.join("files"))?;
    let files = spymeo_core::seed::files::materialize(&pool, &storage).await?;
    if files.written > 0 {
        progress(&format!(
            "{} fichier(s) de démonstration écrit(s)",
            files.written
        ));
    }
    pool.close().await;

    let server_args = ServerArgs {
        bind: args.bind,
        app_url: format!("http://{}", args.bind),
        environment: Environment::Development.as_str().into(),
        session_secret: None,
        session_secret_previous: None,
        smtp_url: std::env::var("SMTP_URL").ok(),
        mail_from: "SPYMEO <no-reply@spymeo.test>".into(),
        trust_proxy: false,
        no_jobs: false,
        s3_bucket: None,
        storage_dir: Some(args.dir.join("files")),
        pool_size: 10,
        request_timeout_secs: 30,
        body_limit_mib: 45,
        shutdown_grace_secs: 5,
        // A fixed development secret so local scripts and the browser tests can sign the
        // provider events of the simulated checkout (README "PASS and payments").
        payment_webhook_secret: Some(
            std::env::var("PAYMENT_WEBHOOK_SECRET")
                .unwrap_or_else(|_| spymeo_server::api::payments::DEV_WEBHOOK_SECRET.into()),
        ),
        log_format: "text".into(),
    };
    let config = server_args.config(url)?;
    let app = spymeo_server::Application::build(config).await?;
    progress(&format!(
        "SPYMEO tourne sur http://{} — comptes de démonstration dans le README (mot de passe Spymeo-demo-2025). Ctrl-C pour arrêter.",
        app.local_addr()
    ));
    app.run()
        .await
        .map_err(|e| CliError::Other(format!("serveur: {e}")))
}
