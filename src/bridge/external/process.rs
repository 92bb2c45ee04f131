//! A program the harness starts for a bridge: its own process group (so everything it forks is
//! stopped with it), output captured to files for error messages, bounded waits, no orphans.

use std::collections::BTreeMap;
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::wire::client::{self, ClientRequest, Connector};

/// How much of the program's output an error message quotes.
const TAIL_BYTES: usize = 2_000;

/// What to run.
#[derive(Clone, Debug)]
pub struct Launch {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// The whole environment of the program (see [`base_env`]; nothing else is inherited).
    pub env: BTreeMap<String, String>,
    pub work_dir: PathBuf,
    /// Folder for the captured `stdout.log` and `stderr.log`.
    pub log_dir: PathBuf,
    /// How the program is named in messages, e.g. `twilio-run`.
    pub label: String,
}

/// A running program. Dropping it kills its whole process group.
#[derive(Debug)]
pub struct RunningProcess {
    child: Option<Child>,
    pid: Option<u32>,
    stdout: PathBuf,
    stderr: PathBuf,
    label: String,
}

impl RunningProcess {
    /// Starts the program in a new process group, its output going to files.
    pub fn spawn(launch: &Launch) -> Result<RunningProcess, String> {
        let (program, args) = launch
            .argv
            .split_first()
            .ok_or_else(|| format!("{}: the command is empty", launch.label))?;
        let stdout = launch.log_dir.join("stdout.log");
        let stderr = launch.log_dir.join("stderr.log");
        let out = File::create(&stdout).map_err(|e| format!("{}: {e}", stdout.display()))?;
        let err = File::create(&stderr).map_err(|e| format!("{}: {e}", stderr.display()))?;
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .envs(&launch.env)
            .current_dir(&launch.work_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .process_group(0)
            .kill_on_drop(true);
        let child = command
            .spawn()
            .map_err(|e| format!("{} could not start ({program}): {e}", launch.label))?;
        Ok(RunningProcess {
            pid: child.id(),
            child: Some(child),
            stdout,
            stderr,
            label: launch.label.clone(),
        })
    }

    /// The program's process id (and process group id).
    pub fn id(&self) -> Option<u32> {
        self.pid
    }

    /// The last lines the program wrote (stderr, else stdout), for error messages.
    pub fn output_tail(&self) -> String {
        for file in [&self.stderr, &self.stdout] {
            let text = tail(file);
            if !text.trim().is_empty() {
                return text;
            }
        }
        "(it printed nothing)".into()
    }

    /// Polls `http://addr{path}` until the program answers with any HTTP status, it exits, or
    /// `limit` passes.
    pub async fn wait_until_answering(
        &mut self,
        addr: SocketAddr,
        path: &str,
        limit: Duration,
    ) -> Result<(), String> {
        let started = Instant::now();
        let request = ClientRequest {
            method: "GET".into(),
            url: format!("http://{addr}{path}"),
            headers: vec![("User-Agent".into(), "rsa-verify-sim readiness probe".into())],
            body: Vec::new(),
        };
        let connector = Connector {
            connect_to: Some(addr),
            tls: None,
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(5),
            proxy: None,
        };
        loop {
            if let Some(status) = self.exit_status() {
                return Err(format!(
                    "{} exited ({status}) before answering on {addr}; its output ends with:\n{}",
                    self.label,
                    self.output_tail()
                ));
            }
            if client::send(&request, &connector).await.is_ok() {
                return Ok(());
            }
            if started.elapsed() >= limit {
                return Err(format!(
                    "{} did not answer on http://{addr}{path} within {} s; its output ends with:\n{}",
                    self.label,
                    limit.as_secs(),
                    self.output_tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Kills the process group and waits (bounded) for the program to be gone.
    pub async fn stop(mut self) {
        self.kill_group();
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
        }
    }

    /// SIGKILL to the whole group (the program and everything it forked).
    fn kill_group(&self) {
        if let Some(pid) = self.pid {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for RunningProcess {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.kill_group();
            if let Some(child) = self.child.as_mut() {
                let _ = child.start_kill();
            }
        }
    }
}

/// The last [`TAIL_BYTES`] of a file, starting at a line boundary.
fn tail(file: &Path) -> String {
    let Ok(bytes) = std::fs::read(file) else {
        return String::new();
    };
    let start = bytes.len().saturating_sub(TAIL_BYTES);
    let text = String::from_utf8_lossy(&bytes[start..]).into_owned();
    if start == 0 {
        return text;
    }
    match text.find('\n') {
        Some(i) => text[i + 1..].to_string(),
        None => text,
    }
}

/// A free loopback port for a started program (bound and released; the program binds it a
/// moment later).
///
/// It is taken from below the kernel's ephemeral range on purpose: the harness's own servers bind
/// port 0, which the kernel serves from that range, and one of them (a proxy of a scenario running
/// in parallel) could otherwise take the port between our release and the program's bind, and
/// then answer the program's readiness probe in its place.
pub fn free_port() -> Result<u16, String> {
    use rand::Rng;
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| {
            t.split_whitespace()
                .next()
                .and_then(|n| n.parse::<u16>().ok())
        })
        .unwrap_or(32768);
    let (low, high) = (10_000u16, ephemeral_low.max(10_001));
    let mut rng = rand::thread_rng();
    for _ in 0..200 {
        let port = rng.gen_range(low..high);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// The environment a started program inherits from the harness: everything except what would
/// send its traffic elsewhere or change how Node.js trusts certificates (proxies, `NODE_OPTIONS`,
/// extra CAs, Twilio client settings). The caller then adds the bridge's own variables.
pub fn base_env() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(name, _)| !overridden(name))
        .collect()
}

fn overridden(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.ends_with("_PROXY")
        || upper.starts_with("NODE_")
        || upper.starts_with("TWILIO_")
        || upper.starts_with("NPM_CONFIG_")
        || upper == "SSL_CERT_FILE"
        || upper == "SSL_CERT_DIR"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails_start_on_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log");
        let mut text = String::new();
        for i in 0..1000 {
            text.push_str(&format!("line {i}\n"));
        }
        std::fs::write(&file, &text).unwrap();
        let t = tail(&file);
        assert!(t.starts_with("line "), "{t}");
        assert!(t.ends_with("line 999\n"));
        assert!(t.len() <= TAIL_BYTES);
    }

    #[test]
    fn proxies_and_node_settings_are_not_inherited() {
        assert!(overridden("https_proxy") && overridden("HTTP_PROXY") && overridden("NO_PROXY"));
        assert!(overridden("NODE_OPTIONS") && overridden("TWILIO_CA_BUNDLE"));
        assert!(!overridden("PATH") && !overridden("HOME"));
    }

    #[tokio::test]
    async fn a_program_that_exits_is_reported_with_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let launch = Launch {
            argv: vec!["sh".into(), "-c".into(), "echo boom >&2; exit 3".into()],
            env: base_env(),
            work_dir: dir.path().to_path_buf(),
            log_dir: dir.path().to_path_buf(),
            label: "test program".into(),
        };
        let mut p = RunningProcess::spawn(&launch).unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port().unwrap()));
        let err = p
            .wait_until_answering(addr, "/", Duration::from_secs(10))
            .await
            .unwrap_err();
        assert!(err.contains("exited") && err.contains("boom"), "{err}");
        p.stop().await;
    }
}
