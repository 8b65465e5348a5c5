//! The operator's AWS commands driven as processes against moto_server on 127.0.0.1, and
//! `smoke` against a real `spymeo serve`. Fixtures are created with boto3 from the same venv
//! (`fixtures.py`); `moto_ecs.py` is moto with ECS rollouts that progress (see its header).

mod console;
mod deploy;
mod rotation;
mod smoke;
mod status;
mod tui;

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_spymeo");

fn tools_venv() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/tools-venv");
    assert!(
        venv.join("bin/moto_server").exists(),
        "moto manquant : {}/bin/moto_server n'existe pas. Lancez scripts/install-tools \
         (il installe moto[server] et cbor2 dans target/tools-venv).",
        venv.display()
    );
    venv
}

fn ops_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ops")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A moto_server of our own on a free loopback port, killed on drop.
pub struct Moto {
    child: std::process::Child,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Ecs {
    /// moto as published: deployments never progress.
    Plain,
    /// `moto_ecs.py`: UpdateService starts deployments that roll out (or roll back).
    Rollouts,
}

impl Moto {
    pub fn start(ecs: Ecs) -> Moto {
        let venv = tools_venv();
        let port = free_port();
        let mut cmd = match ecs {
            Ecs::Plain => std::process::Command::new(venv.join("bin/moto_server")),
            Ecs::Rollouts => {
                let mut c = std::process::Command::new(venv.join("bin/python"));
                c.arg(ops_dir().join("moto_ecs.py"));
                c
            }
        };
        // Services start COMPLETED with 2 running tasks (moto's own knob).
        let child = cmd
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_ECS_SERVICE_RUNNING", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server not up after 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Runs `fixtures.py ENDPOINT args…` and returns its stdout.
    pub fn fixture(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(tools_venv().join("bin/python"))
            .arg(ops_dir().join("fixtures.py"))
            .arg(&self.endpoint)
            .args(args)
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "fixtures.py {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn setup(&self) -> serde_json::Value {
        serde_json::from_str(&self.fixture(&["setup"])).unwrap()
    }

    /// `spymeo` with this moto as its AWS and nothing else from the environment.
    pub fn spymeo(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for var in [
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "SPYMEO_CLUSTER",
            "SPYMEO_SERVICE",
            "SPYMEO_RELEASES_BUCKET",
            "APP_URL",
            "DATABASE_URL",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "eu-west-3")
            // No ~/.aws files of the machine.
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        cmd
    }
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

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout(o),
            stderr(o)
        )
    })
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}
