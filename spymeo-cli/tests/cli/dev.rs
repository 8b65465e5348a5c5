use std::process::Stdio;
use std::time::Duration;

use nix::sys::signal::Signal;
use tokio::io::AsyncReadExt as _;

use crate::helpers::{free_port, signal, spymeo, wait_for_200};

/// `spymeo dev` with no DATABASE_URL: private cluster, migrations, demo data, home page from
/// the database; Ctrl-C stops server and cluster; a second run reuses the data.
#[tokio::test]
async fn dev_serves_the_home_page_from_its_own_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let spymeo_dir = dir.path().join(".spymeo");

    for round in 0..2 {
        let port = free_port();
        let mut child = spymeo()
            .arg("dev")
            .arg("--dir")
            .arg(&spymeo_dir)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        wait_for_200(
            &format!("{base}/api/health"),
            &mut child,
            Duration::from_secs(240),
        )
        .await;

        let html = reqwest::get(format!("{base}/"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse(".pro-card .name").unwrap();
        let names: Vec<String> = doc.select(&sel).map(|e| e.text().collect()).collect();
        assert_eq!(names.len(), 6, "six featured professionals: {names:?}");
        assert!(
            names.iter().any(|n| n.contains("Claire Moreau")),
            "{names:?}"
        );
        let articles = scraper::Selector::parse(".article-card").unwrap();
        assert_eq!(doc.select(&articles).count(), 3);

        signal(&child, Signal::SIGINT);
        let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "exit status {status}");
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .await
            .unwrap();
        let seeded = err.contains("données de démonstration chargées");
        assert_eq!(seeded, round == 0, "round {round}: {err}");
        assert!(err.contains("arrêt de PostgreSQL"), "round {round}: {err}");
        // The cluster is stopped: nothing listens on its port any more.
        let pg_port: u16 = err
            .lines()
            .find_map(|l| l.split("127.0.0.1:").nth(1))
            .and_then(|p| p.trim().parse().ok())
            .expect("the cluster port is printed");
        assert!(std::net::TcpStream::connect(("127.0.0.1", pg_port)).is_err());
    }
}
