//! Outgoing email through a real SMTP server on loopback (aiosmtpd, installed by
//! scripts/install-tools), via the outbox.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{Actor, client, spawn_app_with};

struct SmtpServer {
    port: u16,
    maildir: tempfile::TempDir,
    _child: tokio::process::Child,
}

fn python() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tools-venv/bin/python");
    assert!(
        venv.exists(),
        "{} missing: run scripts/install-tools",
        venv.display()
    );
    venv
}

async fn smtp_server() -> SmtpServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new(python())
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(maildir.path().join("box"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("aiosmtpd starts");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return SmtpServer {
                port,
                maildir,
                _child: child,
            };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("aiosmtpd did not listen on {port}");
}

fn delivered(dir: &std::path::Path) -> Vec<String> {
    let new = dir.join("box/new");
    std::fs::read_dir(&new)
        .map(|rd| {
            rd.flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_password_reset_email_reaches_a_real_smtp_server() {
    let smtp = smtp_server().await;
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(url, pool, |c| {
        c.smtp_url = Some(SecretString::from(smtp_url))
    })
    .await;
    app.create_user(Actor::Free, "camille@example.fr").await;

    let res = app
        .post_json(
            &client(),
            "/api/auth/forgot-password",
            json!({"email": "camille@example.fr"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert!(
        delivered(smtp.maildir.path()).is_empty(),
        "sent by the outbox job, not by the request"
    );

    let d = spymeo_server::jobs::deliver_outbox(&app.state).await;
    assert_eq!(d.sent, 1);
    let mails = delivered(smtp.maildir.path());
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("To: camille@example.fr"), "{mail}");
    assert!(
        mail.contains("From: SPYMEO <no-reply@spymeo.test>"),
        "{mail}"
    );
    assert!(mail.contains("/auth/reset-password?token="), "{mail}");
    let sent: bool = sqlx::query_scalar("SELECT sent_at IS NOT NULL FROM email_outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(sent);
    // Nothing is sent twice.
    assert_eq!(
        spymeo_server::jobs::deliver_outbox(&app.state).await.sent,
        0
    );
    assert_eq!(delivered(smtp.maildir.path()).len(), 1);
}

#[tokio::test]
async fn an_unreachable_smtp_server_means_a_retry_later_not_a_lost_email() {
    let (url, pool) = spymeo_core::testing::migrated_database().await.unwrap();
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(url, pool, |c| {
        c.smtp_url = Some(SecretString::from(format!("smtp://127.0.0.1:{dead}")))
    })
    .await;
    app.create_user(Actor::Free, "remi@example.fr").await;
    app.post_json(
        &client(),
        "/api/auth/forgot-password",
        json!({"email": "remi@example.fr"}),
    )
    .await;

    let d = spymeo_server::jobs::deliver_outbox(&app.state).await;
    assert_eq!((d.sent, d.retried), (0, 1));
    let (attempts, error, later): (i16, Option<String>, bool) =
        sqlx::query_as("SELECT attempts, last_error, send_after > now() FROM email_outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    assert!(later, "backs off before the next attempt");
    // Not due yet: the next pass leaves it alone.
    assert_eq!(
        spymeo_server::jobs::deliver_outbox(&app.state)
            .await
            .retried,
        0
    );
}
