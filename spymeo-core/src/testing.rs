//! Fresh databases for tests: one migrated template per set of migrations, cloned per test
//! (`CREATE DATABASE … TEMPLATE`), on `DATABASE_URL` when set (a role allowed to create
//! databases), else on a private cluster under `target/spymeo-test-pg`.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use tokio::sync::OnceCell;

use crate::Result;
use crate::db::{self, PoolSettings};

/// The server URL (ending before the database name) tests create databases on.
struct Server {
    /// e.g. `postgres://u:p@127.0.0.1:5432`
    base: String,
    /// Kept so a private cluster's handle lives as long as the tests.
    _cluster: Option<crate::devdb::DevDb>,
}

static SERVER: OnceCell<Server> = OnceCell::const_new();
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

pub fn test_cluster_dir() -> PathBuf {
    std::env::var_os("SPYMEO_TEST_PG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/spymeo-test-pg")
        })
}

async fn server() -> Result<&'static Server> {
    SERVER
        .get_or_try_init(|| async {
            if let Ok(url) = std::env::var("DATABASE_URL") {
                let base = match url.rfind('/') {
                    Some(i) if i > "postgres://".len() => url[..i].to_owned(),
                    _ => url,
                };
                return Ok(Server {
                    base,
                    _cluster: None,
                });
            }
            let cluster = crate::devdb::DevDb::start(&crate::devdb::Options {
                dir: test_cluster_dir(),
                fast: true,
            })
            .await?;
            let url = cluster.url("postgres");
            let url = url.expose_secret();
            let base = url[..url.rfind('/').unwrap_or(url.len())].to_owned();
            Ok(Server {
                base,
                _cluster: Some(cluster),
            })
        })
        .await
}

fn url_for(base: &str, database: &str) -> SecretString {
    SecretString::from(format!("{base}/{database}"))
}

/// An empty database (no migrations applied).
pub async fn empty_database() -> Result<SecretString> {
    let server = server().await?;
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    create_database(&server.base, &name, None).await?;
    Ok(url_for(&server.base, &name))
}

/// A fresh database with every migration applied.
pub async fn migrated_database() -> Result<(SecretString, PgPool)> {
    let server = server().await?;
    let template = template(&server.base).await?;
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    create_database(&server.base, &name, Some(template)).await?;
    let url = url_for(&server.base, &name);
    let pool = db::connect(
        &url,
        &PoolSettings {
            max_connections: 5,
            ..Default::default()
        },
    )
    .await?;
    Ok((url, pool))
}

/// The template's name carries a hash of the embedded migrations, so a changed migration
/// builds a new template instead of cloning a stale one.
async fn template(base: &str) -> Result<&'static String> {
    TEMPLATE
        .get_or_try_init(|| async {
            use sha2::Digest as _;
            let mut h = sha2::Sha256::new();
            for m in db::MIGRATOR.iter() {
                h.update(m.version.to_le_bytes());
                h.update(&m.checksum);
            }
            let name = format!("tmpl_{}", &hex::encode(h.finalize())[..16]);
            let admin = db::connect(&url_for(base, "postgres"), &Default::default()).await?;
            // Several test processes may race to build it: serialise on an advisory lock.
            let mut conn = admin.acquire().await?;
            sqlx::query("SELECT pg_advisory_lock(77)")
                .execute(&mut *conn)
                .await?;
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)",
            )
            .bind(&name)
            .fetch_one(&mut *conn)
            .await?;
            if !exists {
                let quoted = format!("\"{name}\"");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {quoted}"))
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(&format!("CREATE DATABASE {quoted}"))
                    .execute(&mut *conn)
                    .await?;
                let pool = db::connect(&url_for(base, &name), &Default::default()).await?;
                db::MIGRATOR.run(&pool).await?;
                pool.close().await;
                sqlx::query(&format!(
                    "ALTER DATABASE {quoted} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
                ))
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query("SELECT pg_advisory_unlock(77)")
                .execute(&mut *conn)
                .await?;
            Ok(name)
        })
        .await
}

async fn create_database(base: &str, name: &str, template: Option<&str>) -> Result<()> {
    let admin = db::connect(&url_for(base, "postgres"), &Default::default()).await?;
    let sql = match template {
        Some(t) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{t}\""),
        None => format!("CREATE DATABASE \"{name}\""),
    };
    sqlx::query(&sql).execute(&admin).await?;
    admin.close().await;
    Ok(())
}
