use std::process::{Output, Stdio};
use std::time::Duration;

use secrecy::ExposeSecret;
use tokio::process::{Child, Command};

pub const BIN: &str = env!("CARGO_BIN_EXE_spymeo");

/// A command with a clean configuration environment: nothing leaks in from the shell.
pub fn spymeo() -> Command {
    let mut cmd = Command::new(BIN);
    for var in [
        "DATABASE_URL",
        "APP_ENV",
        "SESSION_SECRET",
        "S3_BUCKET_NAME",
        "STORAGE_DIR",
        "BIND",
        "APP_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

pub async fn run(cmd: &mut Command) -> Output {
    tokio::time::timeout(Duration::from_secs(180), cmd.output())
        .await
        .expect("command finished in time")
        .expect("command runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn expose(url: &secrecy::SecretString) -> String {
    url.expose_secret().to_owned()
}

/// Polls `url` until it answers 200 (bounded), for servers started as processes.
pub async fn wait_for_200(url: &str, child: &mut Child, limit: Duration) {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited early with {status}");
        }
        if let Ok(res) = client.get(url).send().await
            && res.status().is_success()
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{url} not up after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn signal(child: &Child, sig: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(child.id().expect("running") as i32);
    nix::sys::signal::kill(pid, sig).unwrap();
}
