//! The `command` kind: any program that serves the bridge over plain HTTP on a loopback port.
//!
//! In its arguments `{port}` is replaced by the port to listen on, `{dir}` by the scenario file's
//! folder (the program's working directory) and `{cwd}` by the harness's own working directory
//! (handy with `run --bridge command=...`, whose paths are typed relative to it). Its environment adds
//! `PORT`, `BRIDGE_PATH`, `API_SECRET`, `VERIFY_SID`, `ACCOUNT_SID`, `AUTH_TOKEN`,
//! `VERIFY_BASE_URL` (the fake Verify, plain HTTP), the Twilio stand-in proxy's variables
//! (`HTTP_PROXY`, `NODE_EXTRA_CA_CERTS`, `TWILIO_CA_BUNDLE`...) and the scenario's `[bridge] env`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::node;
use super::process::{self, Launch, RunningProcess};
use super::BridgeEnv;

/// How long the program has to start answering.
pub const START_LIMIT: Duration = Duration::from_secs(30);

/// How to start `argv` on `port`.
pub fn prepare(
    argv: &[String],
    env: &BridgeEnv,
    extra_env: &BTreeMap<String, String>,
    egress_vars: &BTreeMap<String, String>,
    log_dir: &Path,
    port: u16,
) -> Result<Launch, String> {
    if argv.is_empty() || argv[0].trim().is_empty() {
        return Err("[bridge] command is empty: give the program and its arguments".into());
    }
    let port_text = port.to_string();
    let cwd = std::env::current_dir()
        .map_err(|e| format!("the working directory cannot be read: {e}"))?;
    let dir = cwd.join(&env.work_dir);
    let mut argv: Vec<String> = argv
        .iter()
        .map(|a| {
            a.replace("{port}", &port_text)
                .replace("{dir}", &dir.to_string_lossy())
                .replace("{cwd}", &cwd.to_string_lossy())
        })
        .collect();
    argv[0] = program(&argv[0], &env.work_dir);
    let mut vars = process::base_env();
    vars.extend(egress_vars.clone());
    // Node.js programs listen on loopback only and exit with the harness; others ignore it.
    vars.insert("NODE_OPTIONS".into(), node::write_preload(log_dir)?);
    vars.insert("PORT".into(), port_text);
    vars.insert("BRIDGE_PATH".into(), env.path.clone());
    vars.insert("API_SECRET".into(), env.api_secret.clone());
    vars.insert("VERIFY_SID".into(), env.verify_sid.clone());
    vars.insert("ACCOUNT_SID".into(), env.account_sid.clone());
    vars.insert("AUTH_TOKEN".into(), env.auth_token.clone());
    vars.insert("VERIFY_BASE_URL".into(), env.verify_base_url.clone());
    vars.extend(extra_env.clone());
    let work_dir = if env.work_dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        env.work_dir.clone()
    };
    Ok(Launch {
        label: format!("the bridge command `{}`", argv.join(" ")),
        argv,
        env: vars,
        work_dir,
        log_dir: log_dir.to_path_buf(),
    })
}

/// Starts the program and polls `ready_path` until it answers.
pub async fn start(launch: &Launch, port: u16, ready_path: &str) -> Result<RunningProcess, String> {
    let mut running = RunningProcess::spawn(launch)?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let path = if ready_path.starts_with('/') {
        ready_path.to_string()
    } else {
        format!("/{ready_path}")
    };
    running
        .wait_until_answering(addr, &path, START_LIMIT)
        .await
        .map(|()| running)
}

/// A program given with a slash (`./bridge.sh`, `bin/bridge`) is relative to the scenario's
/// folder; a bare name (`node`) is looked up on `PATH`.
fn program(name: &str, work_dir: &Path) -> String {
    let path = Path::new(name);
    if name.contains('/') && path.is_relative() && !work_dir.as_os_str().is_empty() {
        let joined = work_dir.join(path);
        let absolute = std::env::current_dir()
            .map(|cwd| cwd.join(&joined))
            .unwrap_or(joined);
        absolute.to_string_lossy().into_owned()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_programs_stay_on_path_and_relative_ones_follow_the_scenario() {
        assert_eq!(program("node", Path::new("/s")), "node");
        assert_eq!(program("./b.sh", Path::new("/s")), "/s/./b.sh");
        assert_eq!(program("/usr/bin/env", Path::new("/s")), "/usr/bin/env");
    }
}
