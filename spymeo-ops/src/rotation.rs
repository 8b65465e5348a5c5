//! Secret rotation done by the CLI, following Secrets Manager's four steps:
//! createSecret (AWSPENDING with a generated value), setSecret (the database learns it),
//! testSecret (a real login with it), finishSecret (AWSCURRENT moves to it). A rotation
//! that stopped half-way leaves an AWSPENDING version; the next run resumes it instead of
//! starting over, and every step is safe to repeat.
//!
//! Secrets are always read by explicit version stage: moto's stage-less read after a
//! stage move returns the wrong version, and being explicit is clearer anyway.
//!
//! Database secret (JSON, what the task definition references by key):
//! `{"engine":"postgres","username","password","host","port","dbname","url"}` where `url`
//! is the `postgres://` URL the app reads as `DATABASE_URL` (`valueFrom: <arn>:url::`).
//! Session secret (JSON): `{"SESSION_SECRET","SESSION_SECRET_PREVIOUS"}` (both keys always
//! present, the previous one may be empty).

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::Rng as _;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{ConnectOptions, Connection};

use crate::error::{Error, Result, aws};

pub const AWSCURRENT: &str = "AWSCURRENT";
pub const AWSPENDING: &str = "AWSPENDING";

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub id: String,
    pub stages: Vec<String>,
}

impl Version {
    fn has(&self, stage: &str) -> bool {
        self.stages.iter().any(|s| s == stage)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// No rotation under way: create a new AWSPENDING version.
    Fresh { current: String },
    /// A previous run created AWSPENDING and stopped: carry on with it.
    Resume { current: String, pending: String },
}

/// Where a rotation starts, from the secret's versions (pure).
pub fn plan(versions: &[Version]) -> Result<Start> {
    let current = versions
        .iter()
        .find(|v| v.has(AWSCURRENT))
        .ok_or_else(|| Error::Invalid("le secret n'a pas de version AWSCURRENT".into()))?;
    // AWSPENDING left on the AWSCURRENT version is a finished rotation's leftover label.
    match versions
        .iter()
        .find(|v| v.has(AWSPENDING) && v.id != current.id)
    {
        Some(p) => Ok(Start::Resume {
            current: current.id.clone(),
            pending: p.id.clone(),
        }),
        None => Ok(Start::Fresh {
            current: current.id.clone(),
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    Create,
    Set,
    Test,
    Finish,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Create => "createSecret",
            Step::Set => "setSecret",
            Step::Test => "testSecret",
            Step::Finish => "finishSecret",
        }
    }
}

/// The database steps still to run, from whether each password logs in (pure). When the
/// pending password already works, a previous run set it; when neither works, someone
/// changed the password behind Secrets Manager's back and only a person can tell which.
pub fn db_steps(pending_logs_in: bool, current_logs_in: bool) -> Result<Vec<Step>> {
    match (pending_logs_in, current_logs_in) {
        (true, _) => Ok(vec![Step::Test, Step::Finish]),
        (false, true) => Ok(vec![Step::Set, Step::Test, Step::Finish]),
        (false, false) => Err(Error::Database(
            "ni le mot de passe AWSCURRENT ni AWSPENDING ne permettent de se connecter : \
             intervention manuelle nécessaire"
                .into(),
        )),
    }
}

/// A generated password: 40 alphanumeric characters from the OS RNG (~238 bits), with no
/// character that needs quoting in a URL or SQL.
pub fn generate_password() -> SecretString {
    let s: String = rand::rngs::OsRng
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    SecretString::from(s)
}

/// A SESSION_SECRET: 64 alphanumeric characters.
pub fn generate_session_secret() -> SecretString {
    let s: String = rand::rngs::OsRng
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(64)
        .map(char::from)
        .collect();
    SecretString::from(s)
}

/// The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677), computed
/// here so `ALTER ROLE … PASSWORD` never sends the plaintext to the server (where
/// `log_statement` could write it to a log), as `psql`'s `\password` does.
pub fn scram_verifier(password: &str, salt: &[u8], iterations: u32) -> String {
    type HmacSha256 = Hmac<Sha256>;
    let hmac = |key: &[u8], data: &[u8]| {
        let mut m = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
        m.update(data);
        m.finalize().into_bytes()
    };
    // PBKDF2-HMAC-SHA256, one block (32 bytes = the hash length).
    let mut block = salt.to_vec();
    block.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac(password.as_bytes(), &block);
    let mut salted = u;
    for _ in 1..iterations {
        u = hmac(password.as_bytes(), &u);
        for (s, x) in salted.iter_mut().zip(u.iter()) {
            *s ^= x;
        }
    }
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(client_key);
    let server_key = hmac(&salted, b"Server Key");
    let b64 = base64::engine::general_purpose::STANDARD;
    format!(
        "SCRAM-SHA-256${iterations}:{}${}:{}",
        b64.encode(salt),
        b64.encode(stored_key),
        b64.encode(server_key)
    )
}

/// The database secret's fields.
#[derive(Debug, Clone)]
pub struct DbSecret {
    pub username: String,
    pub password: SecretString,
    pub host: String,
    pub port: u16,
    pub dbname: String,
}

impl DbSecret {
    pub fn parse(json: &str) -> Result<DbSecret> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|_| Error::Invalid("le secret de base de données n'est pas du JSON".into()))?;
        let field = |k: &str| {
            v[k].as_str().map(str::to_owned).ok_or_else(|| {
                Error::Invalid(format!("le secret de base de données n'a pas de champ {k}"))
            })
        };
        let port = match &v["port"] {
            serde_json::Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
            serde_json::Value::String(s) => s.parse().ok(),
            serde_json::Value::Null => Some(5432),
            _ => None,
        }
        .ok_or_else(|| Error::Invalid("port invalide dans le secret de base de données".into()))?;
        Ok(DbSecret {
            username: field("username")?,
            password: SecretString::from(field("password")?),
            host: field("host")?,
            port,
            dbname: field("dbname")?,
        })
    }

    pub fn url(&self) -> SecretString {
        SecretString::from(format!(
            "postgres://{}:{}@{}:{}/{}",
            encode_userinfo(&self.username),
            encode_userinfo(self.password.expose_secret()),
            self.host,
            self.port,
            self.dbname
        ))
    }

    /// The JSON stored in Secrets Manager (it holds the password, hence the wrapper).
    pub fn to_json(&self) -> SecretString {
        SecretString::from(
            serde_json::json!({
                "engine": "postgres",
                "username": self.username,
                "password": self.password.expose_secret(),
                "host": self.host,
                "port": self.port,
                "dbname": self.dbname,
                "url": self.url().expose_secret(),
            })
            .to_string(),
        )
    }

    fn with_password(&self, password: SecretString) -> DbSecret {
        DbSecret {
            password,
            ..self.clone()
        }
    }
}

fn encode_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub async fn versions(
    sm: &aws_sdk_secretsmanager::Client,
    secret_id: &str,
) -> Result<Vec<Version>> {
    let mut out = Vec::new();
    let mut pages = sm
        .list_secret_version_ids()
        .secret_id(secret_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(aws("secretsmanager:ListSecretVersionIds"))?;
        out.extend(page.versions().iter().map(|v| Version {
            id: v.version_id.clone().unwrap_or_default(),
            stages: v.version_stages().to_vec(),
        }));
    }
    Ok(out)
}

/// The secret string at a version stage (never the stage-less default).
pub async fn read_stage(
    sm: &aws_sdk_secretsmanager::Client,
    secret_id: &str,
    stage: &str,
) -> Result<(String, SecretString)> {
    let out = sm
        .get_secret_value()
        .secret_id(secret_id)
        .version_stage(stage)
        .send()
        .await
        .map_err(aws("secretsmanager:GetSecretValue"))?;
    let value = out
        .secret_string
        .ok_or_else(|| Error::Invalid(format!("{secret_id} ({stage}) n'a pas de SecretString")))?;
    Ok((
        out.version_id.unwrap_or_default(),
        SecretString::from(value),
    ))
}

async fn put_pending(
    sm: &aws_sdk_secretsmanager::Client,
    secret_id: &str,
    value: &SecretString,
) -> Result<String> {
    let token = uuid::Uuid::new_v4().to_string();
    sm.put_secret_value()
        .secret_id(secret_id)
        .client_request_token(&token)
        .secret_string(value.expose_secret())
        .version_stages(AWSPENDING)
        .send()
        .await
        .map_err(aws("secretsmanager:PutSecretValue"))?;
    Ok(token)
}

/// finishSecret: AWSCURRENT moves to `pending` (AWSPREVIOUS follows automatically), and the
/// AWSPENDING label is cleared so the next run does not take it for a stuck rotation.
async fn promote(
    sm: &aws_sdk_secretsmanager::Client,
    secret_id: &str,
    current: &str,
    pending: &str,
) -> Result<()> {
    sm.update_secret_version_stage()
        .secret_id(secret_id)
        .version_stage(AWSCURRENT)
        .move_to_version_id(pending)
        .remove_from_version_id(current)
        .send()
        .await
        .map_err(aws("secretsmanager:UpdateSecretVersionStage"))?;
    sm.update_secret_version_stage()
        .secret_id(secret_id)
        .version_stage(AWSPENDING)
        .remove_from_version_id(pending)
        .send()
        .await
        .map_err(aws("secretsmanager:UpdateSecretVersionStage"))?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    pub step: Step,
    /// done, skipped (already done by an earlier run) or planned (dry run).
    pub state: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub secret_id: String,
    pub kind: &'static str,
    pub resumed: bool,
    pub dry_run: bool,
    pub previous_version_id: String,
    pub new_version_id: Option<String>,
    pub steps: Vec<StepReport>,
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub secret_id: String,
    /// Connect here instead of the secret's host/port (an SSM port forward, a tunnel);
    /// the secret keeps its own host.
    pub connect_host: Option<String>,
    pub connect_port: Option<u16>,
    pub dry_run: bool,
}

/// A connection with `s`'s credentials. `Ok(None)` when the password is refused.
async fn login(s: &DbSecret, opts: &DbOptions) -> Result<Option<sqlx::PgConnection>> {
    let options = sqlx::postgres::PgConnectOptions::new()
        .host(opts.connect_host.as_deref().unwrap_or(&s.host))
        .port(opts.connect_port.unwrap_or(s.port))
        .username(&s.username)
        .password(s.password.expose_secret())
        .database(&s.dbname)
        .ssl_mode(sqlx::postgres::PgSslMode::Prefer)
        // The ALTER ROLE statement must not reach a log, even as a verifier.
        .disable_statement_logging();
    match tokio::time::timeout(
        Duration::from_secs(15),
        sqlx::PgConnection::connect_with(&options),
    )
    .await
    {
        Err(_) => Err(Error::Database(format!(
            "connexion à {}:{} : délai dépassé",
            options.get_host(),
            options.get_port()
        ))),
        Ok(Ok(conn)) => Ok(Some(conn)),
        // 28P01 invalid_password; 28000 invalid_authorization_specification.
        Ok(Err(sqlx::Error::Database(e)))
            if matches!(e.code().as_deref(), Some("28P01") | Some("28000")) =>
        {
            Ok(None)
        }
        Ok(Err(e)) => Err(crate::error::db("connexion", e)),
    }
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Rotates the database password. `on_step` hears about each step as it happens.
pub async fn rotate_db(
    sm: &aws_sdk_secretsmanager::Client,
    opts: &DbOptions,
    mut on_step: impl FnMut(&StepReport),
) -> Result<Report> {
    let id = opts.secret_id.as_str();
    let start = plan(&versions(sm, id).await?)?;
    let (current_id, current_json) = read_stage(sm, id, AWSCURRENT).await?;
    let current = DbSecret::parse(current_json.expose_secret())?;
    let mut report = Report {
        secret_id: id.to_owned(),
        kind: "db",
        resumed: matches!(start, Start::Resume { .. }),
        dry_run: opts.dry_run,
        previous_version_id: current_id.clone(),
        new_version_id: None,
        steps: Vec::new(),
    };
    let mut record = |report: &mut Report, step: Step, state: &'static str, detail: String| {
        let s = StepReport {
            step,
            state,
            detail,
        };
        on_step(&s);
        report.steps.push(s);
    };
    if opts.dry_run {
        let create = match &start {
            Start::Fresh { .. } => {
                "créerait une version AWSPENDING avec un mot de passe généré".to_owned()
            }
            Start::Resume { pending, .. } => {
                format!("reprendrait la version AWSPENDING {pending} (rotation interrompue)")
            }
        };
        record(&mut report, Step::Create, "planned", create);
        record(
            &mut report,
            Step::Set,
            "planned",
            format!("ALTER ROLE {} (vérificateur SCRAM)", current.username),
        );
        record(
            &mut report,
            Step::Test,
            "planned",
            "connexion avec le nouveau mot de passe".into(),
        );
        record(
            &mut report,
            Step::Finish,
            "planned",
            "AWSCURRENT → nouvelle version".into(),
        );
        return Ok(report);
    }

    let (pending_id, pending) = match &start {
        Start::Fresh { .. } => {
            let pending = current.with_password(generate_password());
            let pending_id = put_pending(sm, id, &pending.to_json()).await?;
            record(
                &mut report,
                Step::Create,
                "done",
                format!("version AWSPENDING {pending_id} créée"),
            );
            (pending_id, pending)
        }
        Start::Resume { pending, .. } => {
            let (pending_id, json) = read_stage(sm, id, AWSPENDING).await?;
            if &pending_id != pending {
                return Err(Error::Invalid(
                    "AWSPENDING a changé pendant la lecture".into(),
                ));
            }
            record(
                &mut report,
                Step::Create,
                "skipped",
                format!("reprise de la version AWSPENDING {pending_id}"),
            );
            (pending_id, DbSecret::parse(json.expose_secret())?)
        }
    };
    report.new_version_id = Some(pending_id.clone());
    if pending.username != current.username {
        return Err(Error::Invalid(
            "AWSPENDING et AWSCURRENT ne portent pas le même utilisateur".into(),
        ));
    }

    let pending_conn = login(&pending, opts).await?;
    let current_conn = if pending_conn.is_some() {
        None
    } else {
        login(&current, opts).await?
    };
    let steps = db_steps(pending_conn.is_some(), current_conn.is_some())?;
    if let Some(mut conn) = current_conn {
        let salt: [u8; 16] = rand::rngs::OsRng.r#gen();
        let verifier = scram_verifier(pending.password.expose_secret(), &salt, 4096);
        let sql = format!(
            "ALTER ROLE {} WITH PASSWORD '{verifier}'",
            quote_ident(&current.username)
        );
        sqlx::query(&sql)
            .execute(&mut conn)
            .await
            .map_err(|e| crate::error::db("ALTER ROLE", e))?;
        conn.close().await.ok();
        record(
            &mut report,
            Step::Set,
            "done",
            format!("mot de passe du rôle {} changé", current.username),
        );
    } else if !steps.contains(&Step::Set) {
        record(
            &mut report,
            Step::Set,
            "skipped",
            "le mot de passe AWSPENDING est déjà en place".into(),
        );
    }
    if let Some(conn) = pending_conn {
        conn.close().await.ok();
    }

    // testSecret: a fresh login with the pending password, and a query.
    let mut conn = login(&pending, opts)
        .await?
        .ok_or_else(|| Error::Database("le nouveau mot de passe est refusé".into()))?;
    let who: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| crate::error::db("test", e))?;
    conn.close().await.ok();
    record(
        &mut report,
        Step::Test,
        "done",
        format!("connecté en tant que {who}"),
    );

    promote(sm, id, &current_id, &pending_id).await?;
    record(
        &mut report,
        Step::Finish,
        "done",
        format!("AWSCURRENT → {pending_id}"),
    );
    Ok(report)
}

#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub secret_id: String,
    pub dry_run: bool,
}

/// Rotates SESSION_SECRET, keeping the current one as SESSION_SECRET_PREVIOUS so sessions
/// made with it stay valid (the server re-keys them).
pub async fn rotate_session(
    sm: &aws_sdk_secretsmanager::Client,
    opts: &SessionOptions,
    mut on_step: impl FnMut(&StepReport),
) -> Result<Report> {
    let id = opts.secret_id.as_str();
    let start = plan(&versions(sm, id).await?)?;
    let (current_id, current_json) = read_stage(sm, id, AWSCURRENT).await?;
    let current = session_fields(current_json.expose_secret())?;
    let mut report = Report {
        secret_id: id.to_owned(),
        kind: "session",
        resumed: matches!(start, Start::Resume { .. }),
        dry_run: opts.dry_run,
        previous_version_id: current_id.clone(),
        new_version_id: None,
        steps: Vec::new(),
    };
    let mut record = |report: &mut Report, step: Step, state: &'static str, detail: String| {
        let s = StepReport {
            step,
            state,
            detail,
        };
        on_step(&s);
        report.steps.push(s);
    };
    if opts.dry_run {
        record(
            &mut report,
            Step::Create,
            "planned",
            "nouveau SESSION_SECRET, l'actuel devient SESSION_SECRET_PREVIOUS".into(),
        );
        record(
            &mut report,
            Step::Finish,
            "planned",
            "AWSCURRENT → nouvelle version".into(),
        );
        return Ok(report);
    }
    // A pending version is reused only if it really is "next after current"; otherwise
    // (current changed since) it is stale and a new one is made.
    let reusable = match &start {
        Start::Resume { pending, .. } => {
            let (pid, json) = read_stage(sm, id, AWSPENDING).await?;
            let fields = session_fields(json.expose_secret())?;
            (fields.1.expose_secret() == current.0.expose_secret() && &pid == pending)
                .then_some(pid)
        }
        Start::Fresh { .. } => None,
    };
    let pending_id = match reusable {
        Some(pid) => {
            record(
                &mut report,
                Step::Create,
                "skipped",
                format!("reprise de la version AWSPENDING {pid}"),
            );
            pid
        }
        None => {
            let value = SecretString::from(
                serde_json::json!({
                    "SESSION_SECRET": generate_session_secret().expose_secret(),
                    "SESSION_SECRET_PREVIOUS": current.0.expose_secret(),
                })
                .to_string(),
            );
            let pid = put_pending(sm, id, &value).await?;
            record(
                &mut report,
                Step::Create,
                "done",
                format!("version AWSPENDING {pid} créée"),
            );
            pid
        }
    };
    report.new_version_id = Some(pending_id.clone());
    let (_, check) = read_stage(sm, id, AWSPENDING).await?;
    let (new, previous) = session_fields(check.expose_secret())?;
    if new.expose_secret().len() < 32 || previous.expose_secret() != current.0.expose_secret() {
        return Err(Error::Invalid(
            "la version AWSPENDING du secret de session est incohérente".into(),
        ));
    }
    record(
        &mut report,
        Step::Test,
        "done",
        "nouvelle valeur lisible, l'ancienne conservée en SESSION_SECRET_PREVIOUS".into(),
    );
    promote(sm, id, &current_id, &pending_id).await?;
    record(
        &mut report,
        Step::Finish,
        "done",
        format!("AWSCURRENT → {pending_id}"),
    );
    Ok(report)
}

/// (SESSION_SECRET, SESSION_SECRET_PREVIOUS) from the session secret's JSON.
fn session_fields(json: &str) -> Result<(SecretString, SecretString)> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|_| {
        Error::Invalid(
            "le secret de session doit être du JSON {\"SESSION_SECRET\",\"SESSION_SECRET_PREVIOUS\"}".into(),
        )
    })?;
    let current = v["SESSION_SECRET"]
        .as_str()
        .ok_or_else(|| Error::Invalid("le secret de session n'a pas de SESSION_SECRET".into()))?;
    let previous = v["SESSION_SECRET_PREVIOUS"].as_str().unwrap_or("");
    Ok((
        SecretString::from(current.to_owned()),
        SecretString::from(previous.to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: &str, stages: &[&str]) -> Version {
        Version {
            id: id.into(),
            stages: stages.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_fresh_secret_starts_a_new_rotation() {
        assert_eq!(
            plan(&[v("a", &["AWSCURRENT"])]).unwrap(),
            Start::Fresh {
                current: "a".into()
            }
        );
        assert_eq!(
            plan(&[
                v("a", &["AWSPREVIOUS"]),
                v("b", &["AWSCURRENT", "AWSPENDING"])
            ])
            .unwrap(),
            Start::Fresh {
                current: "b".into()
            }
        );
    }

    #[test]
    fn a_stuck_rotation_is_resumed() {
        assert_eq!(
            plan(&[v("a", &["AWSCURRENT"]), v("b", &["AWSPENDING"])]).unwrap(),
            Start::Resume {
                current: "a".into(),
                pending: "b".into()
            }
        );
        assert!(plan(&[v("a", &["AWSPREVIOUS"])]).is_err());
    }

    #[test]
    fn resume_skips_what_is_already_done() {
        assert_eq!(db_steps(true, false).unwrap(), [Step::Test, Step::Finish]);
        assert_eq!(
            db_steps(false, true).unwrap(),
            [Step::Set, Step::Test, Step::Finish]
        );
        assert!(db_steps(false, false).is_err());
    }

    #[test]
    fn scram_verifier_matches_an_independent_pbkdf2() {
        // Reference from Python's hashlib.pbkdf2_hmac + hmac (RFC 5802 key derivation).
        assert_eq!(
            scram_verifier("pencil", &[0u8; 16], 4096),
            "SCRAM-SHA-256$4096:AAAAAAAAAAAAAAAAAAAAAA==$cYb24178IFPJfwkjIWWOe5UyMYsPha0jpvVheOzD7fM=:VwyhxkJCO8QGAizhocQO03bRswvgJ9KCi+BMFMz6uvY="
        );
    }

    #[test]
    fn db_secret_round_trips_with_a_url() {
        let s = DbSecret::parse(
            r#"{"username":"spymeo_app","password":"p@ss:/w","host":"db.internal","port":"5432","dbname":"spymeo"}"#,
        )
        .unwrap();
        assert_eq!(
            s.url().expose_secret(),
            "postgres://spymeo_app:p%40ss%3A%2Fw@db.internal:5432/spymeo"
        );
        let back: serde_json::Value = serde_json::from_str(s.to_json().expose_secret()).unwrap();
        assert_eq!(back["port"], 5432);
        assert_eq!(
            back["url"],
            "postgres://spymeo_app:p%40ss%3A%2Fw@db.internal:5432/spymeo"
        );
    }

    #[test]
    fn generated_values_are_long_and_fresh() {
        let a = generate_password();
        let b = generate_password();
        assert_eq!(a.expose_secret().len(), 40);
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(a.expose_secret().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(generate_session_secret().expose_secret().len(), 64);
    }
}
