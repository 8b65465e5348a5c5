//! `spymeo tui` end to end: the real binary in a tmux pane against moto, driven with keys,
//! read back with `capture-pane` — what an on-call person sees in their terminal.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::{BIN, Ecs, Moto};

/// A detached tmux server of its own (`-L`), so the test never touches a user's sessions.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    fn send(&self, keys: &[&str]) {
        let ok = self
            .cmd()
            .args(["send-keys", "-t", "tui"])
            .args(keys)
            .status()
            .unwrap();
        assert!(ok.success());
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "tui"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the pane until it shows every needle (bounded), and returns it.
    fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{needles:?} not on screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Polls the pane until `needle` is gone (bounded): a key is handled asynchronously, so
    /// the screen right after `send` may still be the old one.
    fn wait_gone(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{needle:?} still on screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn alive(&self) -> bool {
        self.cmd()
            .args(["has-session", "-t", "tui"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

#[tokio::test]
async fn the_console_shows_the_service_switches_views_and_quits() {
    let moto = Moto::start(Ecs::Rollouts);
    moto.setup();
    let tmux = Tmux {
        socket: format!("spymeo-test-{}", std::process::id()),
    };
    // The environment of `Moto::spymeo`, spelt out for the shell tmux starts.
    let command = format!(
        "env -u AWS_PROFILE -u DATABASE_URL -u APP_URL AWS_ENDPOINT_URL={} AWS_ACCESS_KEY_ID=testing \
         AWS_SECRET_ACCESS_KEY=testing AWS_REGION=eu-west-3 AWS_CONFIG_FILE=/nonexistent \
         AWS_SHARED_CREDENTIALS_FILE=/nonexistent TERM=xterm-256color \
         {BIN} tui --cluster spymeo --service web --refresh 2; sleep 30",
        moto.endpoint
    );
    let started = tmux
        .cmd()
        .args([
            "new-session",
            "-d",
            "-s",
            "tui",
            "-x",
            "160",
            "-y",
            "48",
            &command,
        ])
        .status()
        .unwrap();
    assert!(started.success(), "tmux starts");

    // Overview: the service row with its running count, from moto.
    let screen = tmux.wait_for(&[
        "SPYMEO",
        "1:Vue",
        "Services du cluster spymeo",
        "web",
        "2/2",
    ]);
    assert!(screen.contains("eu-west-3"), "{screen}");

    // 3: tasks; Tab: next view (targets); the help overlay opens and closes.
    tmux.send(&["3"]);
    tmux.wait_for(&["Tâches"]);
    tmux.send(&["Tab"]);
    tmux.wait_for(&["Cibles", "healthy"]);
    tmux.send(&["?"]);
    tmux.wait_for(&["┌ Aide"]);
    tmux.send(&["Escape"]);
    // Esc closes the overlay and leaves the targets view on screen.
    let after = tmux.wait_gone("┌ Aide");
    assert!(after.contains("Cibles"), "{after}");

    // Read-only by default: D asks for no confirmation and says why.
    tmux.send(&["D"]);
    let screen = tmux.wait_for(&["lecture seule"]);
    assert!(!screen.contains("Confirmation"), "{screen}");

    // q quits: the process ends and the shell's `sleep` keeps the pane, now without the UI.
    tmux.send(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tmux.screen().contains("1:Vue") {
        assert!(
            Instant::now() < deadline,
            "still running:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(tmux.alive());
}
