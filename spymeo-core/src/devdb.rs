//! A private PostgreSQL cluster for `spymeo dev` and the tests, started from the machine's
//! PostgreSQL binaries (PATH or `/usr/lib/postgresql/*/bin`), with password authentication
//! (scram-sha-256, never trust) on 127.0.0.1 only. As root, the server binaries run as the
//! `postgres` user, because PostgreSQL refuses to run as root.

use std::fs::{self, File};
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use nix::fcntl::{Flock, FlockArg};
use nix::unistd::{Gid, Uid, User};
use rand::Rng as _;
use secrecy::{ExposeSecret, SecretString};
use tokio::process::Command;

use crate::{Error, Result};

pub const SUPERUSER: &str = "spymeo";

#[derive(Debug, Clone)]
pub struct Options {
    /// Where the cluster lives (`.spymeo` for `spymeo dev`).
    pub dir: PathBuf,
    /// Trade durability for speed (tests): fsync and synchronous commit off.
    pub fast: bool,
}

#[derive(Debug)]
pub struct DevDb {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    password: SecretString,
    run_as: Option<(Uid, Gid)>,
    /// True when this process started the server (and so should stop it).
    pub started_here: bool,
}

impl DevDb {
    /// Initialises the cluster on first use, starts it unless it already runs, and
    /// returns a handle. Safe to call from several processes at once.
    pub async fn start(opts: &Options) -> Result<DevDb> {
        let bin = find_binaries()?;
        let run_as = postgres_user_if_root()?;
        let pg_dir = cluster_dir(&opts.dir, run_as.is_some())?;
        fs::create_dir_all(&pg_dir).map_err(|e| io(&pg_dir, e))?;
        // The lock serialises init/start between test processes; it is released on drop.
        let lock_path = opts.dir.join("pg.lock");
        fs::create_dir_all(&opts.dir).map_err(|e| io(&opts.dir, e))?;
        let lock_file = File::create(&lock_path).map_err(|e| io(&lock_path, e))?;
        let _lock = tokio::task::spawn_blocking(move || {
            Flock::lock(lock_file, FlockArg::LockExclusive).map_err(|(_, e)| e)
        })
        .await
        .map_err(|e| Error::DevDb(e.to_string()))?
        .map_err(|e| Error::DevDb(format!("verrou {}: {e}", lock_path.display())))?;

        if let Some((uid, gid)) = run_as {
            nix::unistd::chown(&pg_dir, Some(uid), Some(gid))
                .map_err(|e| Error::DevDb(format!("chown {}: {e}", pg_dir.display())))?;
        }
        let data = pg_dir.join("data");
        let password_file = opts.dir.join("pg.password");
        let mut db = DevDb {
            bin,
            data,
            port: 0,
            password: SecretString::from(String::new()),
            run_as,
            started_here: false,
        };
        if !db.data.join("PG_VERSION").exists() {
            db.init(&pg_dir, &password_file).await?;
        }
        db.password = SecretString::from(
            fs::read_to_string(&password_file)
                .map_err(|e| io(&password_file, e))?
                .trim()
                .to_owned(),
        );
        if let Some(port) = db.running_port().await {
            db.port = port;
            return Ok(db);
        }
        db.port = free_port()?;
        db.pg_start(&pg_dir, opts.fast).await?;
        db.started_here = true;
        Ok(db)
    }

    /// URL of a database of this cluster.
    pub fn url(&self, database: &str) -> SecretString {
        SecretString::from(format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{database}",
            self.password.expose_secret(),
            self.port
        ))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates `name` unless it exists.
    pub async fn ensure_database(&self, name: &str) -> Result<()> {
        let pool = crate::db::connect(&self.url("postgres"), &Default::default()).await?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(name)
                .fetch_one(&pool)
                .await?;
        if !exists {
            let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
            match sqlx::query(&sql).execute(&pool).await {
                Ok(_) => {}
                // Another process created it between our check and our CREATE.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
                Err(e) => return Err(e.into()),
            }
        }
        pool.close().await;
        Ok(())
    }

    /// Stops the server (fast shutdown: open sessions are closed, data is kept).
    pub async fn stop(&self) -> Result<()> {
        let status = self
            .pg_cmd("pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w", "-t", "60"])
            .stdout(Stdio::null())
            .status()
            .await
            .map_err(|e| Error::DevDb(format!("pg_ctl stop: {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::DevDb(format!("pg_ctl stop a échoué ({status})")))
        }
    }

    /// Starts a stopped server again on the same port (used by the health tests).
    pub async fn restart(&self) -> Result<()> {
        let pg_dir = self.data.parent().unwrap_or(&self.data).to_path_buf();
        self.pg_start(&pg_dir, true).await
    }

    async fn init(&self, pg_dir: &Path, password_file: &Path) -> Result<()> {
        let password: String = rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(32)
            .map(char::from)
            .collect();
        write_private(password_file, &password)?;
        // initdb reads the password from a file that the server user can read; it is
        // removed as soon as initdb is done.
        let pwfile = pg_dir.join("initdb.pw");
        write_private(&pwfile, &password)?;
        self.chown(&pwfile)?;
        let out = self
            .pg_cmd("initdb")
            .arg("-D")
            .arg(&self.data)
            .args(["-U", SUPERUSER, "-A", "scram-sha-256", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-instructions"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .await
            .map_err(|e| Error::DevDb(format!("initdb: {e}")));
        let _ = fs::remove_file(&pwfile);
        let out = out?;
        if !out.status.success() {
            let _ = fs::remove_dir_all(&self.data);
            return Err(Error::DevDb(format!(
                "initdb a échoué: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(())
    }

    async fn pg_start(&self, pg_dir: &Path, fast: bool) -> Result<()> {
        let mut server_opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300",
            self.port
        );
        if fast {
            server_opts.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let log = pg_dir.join("postgres.log");
        let out = self
            .pg_cmd("pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(&self.data)
            .args(["-w", "-t", "60", "-o", &server_opts, "-l"])
            .arg(&log)
            .stdout(Stdio::null())
            .output()
            .await
            .map_err(|e| Error::DevDb(format!("pg_ctl start: {e}")))?;
        if !out.status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            return Err(Error::DevDb(format!(
                "PostgreSQL n'a pas démarré ({}): {}",
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            )));
        }
        Ok(())
    }

    /// The port of an already running server of this cluster, read from `postmaster.pid`.
    async fn running_port(&self) -> Option<u16> {
        let status = self
            .pg_cmd("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .ok()?;
        if !status.success() {
            return None;
        }
        let pid_file = fs::read_to_string(self.data.join("postmaster.pid")).ok()?;
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    fn pg_cmd(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.kill_on_drop(false);
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid.as_raw()).gid(gid.as_raw());
            // The inherited working directory may not be readable by `postgres`.
            cmd.current_dir("/");
        }
        cmd
    }

    fn chown(&self, path: &Path) -> Result<()> {
        if let Some((uid, gid)) = self.run_as {
            nix::unistd::chown(path, Some(uid), Some(gid))
                .map_err(|e| Error::DevDb(format!("chown {}: {e}", path.display())))?;
        }
        Ok(())
    }
}

/// Directory holding the PostgreSQL binaries: the one that has `initdb` on PATH, else the
/// newest `/usr/lib/postgresql/<version>/bin` (Debian keeps initdb off PATH).
pub fn find_binaries() -> Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    for dir in on_path {
        let initdb = dir.join("initdb");
        if initdb.exists() && dir.join("pg_ctl").exists() {
            // Follow a symlinked initdb to the directory holding `postgres` as well.
            let real = fs::canonicalize(&initdb).unwrap_or(initdb);
            if let Some(parent) = real.parent()
                && parent.join("postgres").exists()
            {
                return Ok(parent.to_path_buf());
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        Error::DevDb(
            "PostgreSQL introuvable (initdb, pg_ctl): installez le paquet Debian `postgresql` \
             (apt-get install postgresql) ou donnez DATABASE_URL"
                .into(),
        )
    })
}

fn postgres_user_if_root() -> Result<Option<(Uid, Gid)>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = User::from_name("postgres")
        .map_err(|e| Error::DevDb(format!("utilisateur postgres: {e}")))?
        .ok_or_else(|| {
            Error::DevDb(
                "lancé en root sans utilisateur `postgres`: installez le paquet `postgresql` \
                 ou lancez spymeo avec un utilisateur ordinaire"
                    .into(),
            )
        })?;
    Ok(Some((user.uid, user.gid)))
}

/// Where the cluster files go. Normally `<dir>/pg`; as root, when `postgres` could not reach
/// that directory (e.g. a checkout under a 0700 home), a directory under /var/tmp keyed by the
/// checkout path instead.
fn cluster_dir(dir: &Path, as_postgres: bool) -> Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let dir = fs::canonicalize(dir).map_err(|e| io(dir, e))?;
    if !as_postgres || dir.ancestors().skip(1).all(world_traversable) {
        if as_postgres {
            // `dir` itself must be traversable too.
            let mut perms = fs::metadata(&dir).map_err(|e| io(&dir, e))?.permissions();
            perms.set_mode(perms.mode() | 0o711);
            fs::set_permissions(&dir, perms).map_err(|e| io(&dir, e))?;
        }
        return Ok(dir.join("pg"));
    }
    use sha2::Digest as _;
    let digest = hex::encode(&sha2::Sha256::digest(dir.as_os_str().as_encoded_bytes())[..8]);
    Ok(PathBuf::from("/var/tmp").join(format!("spymeo-pg-{digest}")))
}

fn world_traversable(p: &Path) -> bool {
    fs::metadata(p)
        .map(|m| m.permissions().mode() & 0o001 != 0)
        .unwrap_or(false)
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Error::DevDb(format!("port libre: {e}")))?;
    Ok(listener
        .local_addr()
        .map_err(|e| Error::DevDb(e.to_string()))?
        .port())
}

fn write_private(path: &Path, content: &str) -> Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| io(path, e))?;
    f.write_all(content.as_bytes()).map_err(|e| io(path, e))
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::DevDb(format!("{}: {e}", path.display()))
}
