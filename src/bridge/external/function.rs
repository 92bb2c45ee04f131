//! The `function` kind: a Twilio Function's JavaScript file, unchanged, under Twilio's own local
//! runtime (`twilio-run`), in a temporary Functions project:
//!
//! ```text
//! <tmp>/package.json               the runtime's project file
//! <tmp>/node_modules -> ...        the folder holding twilio-run, @twilio/runtime-handler, twilio
//! <tmp>/functions/<path>.js        a copy of the Function, so its URL path is the Base URL's path
//! <tmp>/.env                       API_SECRET, VERIFY_SID, ACCOUNT_SID, AUTH_TOKEN, the proxy
//!                                  variables, then [bridge] env
//! <tmp>/twilio-ca.pem              the CA the Twilio stand-in proxy signs with
//! <tmp>/preload.js                 preload: listen on 127.0.0.1 only, exit with the harness
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::node::{self, NodeRuntime};
use super::process::{self, Launch, RunningProcess};
use super::BridgeEnv;

/// How long the runtime has to start answering.
pub const START_LIMIT: Duration = Duration::from_secs(30);

/// The temporary project's `package.json` (twilio-run refuses a folder without one).
const PACKAGE_JSON: &str = r#"{
  "name": "rsa-verify-sim-bridge",
  "version": "1.0.0",
  "private": true,
  "description": "Temporary Functions project made by rsa-verify-sim"
}
"#;

/// Lays out the temporary project in `dir` and returns how to start twilio-run on `port`.
///
/// `egress_vars` (the Twilio stand-in proxy's variables) go into both the runtime's process
/// environment and `.env`: twilio-run replaces `process.env` with the `.env` values before the
/// Function runs, and Node.js reads `NODE_EXTRA_CA_CERTS` once at start-up.
pub fn prepare(
    file: &Path,
    env: &BridgeEnv,
    extra_env: &BTreeMap<String, String>,
    egress_vars: &BTreeMap<String, String>,
    runtime: &NodeRuntime,
    dir: &Path,
    port: u16,
) -> Result<Launch, String> {
    let source = absolute(file)?;
    let code = std::fs::read(&source)
        .map_err(|e| format!("the Function file {} cannot be read: {e}", source.display()))?;
    let target = dir.join("functions").join(function_file(&env.path)?);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&target, code).map_err(|e| format!("{}: {e}", target.display()))?;
    write(&dir.join("package.json"), PACKAGE_JSON)?;
    let mut dot_env = function_env(env, egress_vars);
    dot_env.extend(extra_env.clone());
    write(&dir.join(".env"), &dotenv(&dot_env)?)?;
    let node_options = node::write_preload(dir)?;
    let link = dir.join("node_modules");
    if link.symlink_metadata().is_err() {
        std::os::unix::fs::symlink(&runtime.node_modules, &link)
            .map_err(|e| format!("cannot link {}: {e}", runtime.node_modules.display()))?;
    }
    Ok(Launch {
        argv: vec![
            runtime.node.to_string_lossy().into_owned(),
            runtime.twilio_run.to_string_lossy().into_owned(),
            "start".into(),
            dir.to_string_lossy().into_owned(),
            "--port".into(),
            port.to_string(),
            "--no-fork-process".into(),
        ],
        env: process_env(node_options, egress_vars),
        work_dir: dir.to_path_buf(),
        log_dir: dir.to_path_buf(),
        label: "twilio-run".into(),
    })
}

/// Starts twilio-run and waits until it answers.
pub async fn start(launch: &Launch, port: u16) -> Result<RunningProcess, String> {
    let mut running = RunningProcess::spawn(launch)?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    running
        .wait_until_answering(addr, "/", START_LIMIT)
        .await
        .map(|()| running)
}

/// The process environment of the runtime itself (the Function's `context` comes from `.env`).
fn process_env(
    node_options: String,
    egress_vars: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut vars = process::base_env();
    vars.extend(egress_vars.clone());
    vars.insert("NODE_OPTIONS".into(), node_options);
    // No colours or spinners in the captured output.
    vars.insert("FORCE_COLOR".into(), "0".into());
    vars.insert("CI".into(), "true".into());
    vars
}

/// What the Function's `context` holds besides what the runtime adds: the deployment's
/// variables, then `extra` (later wins).
pub fn function_env(env: &BridgeEnv, extra: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("API_SECRET".to_string(), env.api_secret.clone());
    vars.insert("VERIFY_SID".to_string(), env.verify_sid.clone());
    vars.insert("ACCOUNT_SID".to_string(), env.account_sid.clone());
    vars.insert("AUTH_TOKEN".to_string(), env.auth_token.clone());
    for (k, v) in extra {
        vars.insert(k.clone(), v.clone());
    }
    vars
}

/// `/k3v9q-long-random-path` -> `k3v9q-long-random-path.js`; nested paths become folders.
pub fn function_file(path: &str) -> Result<PathBuf, String> {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Err(
            "the Base URL has no path: a Function is served at /<name>, so give the Base URL (or [bridge] path) one"
                .into(),
        );
    }
    let mut file = PathBuf::new();
    for segment in trimmed.split('/') {
        let safe = !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c));
        if !safe {
            return Err(format!(
                "the bridge path {path:?} cannot be a Function path: use letters, digits, '-', '_', '.' and '~' between slashes"
            ));
        }
        file.push(segment);
    }
    let name = format!("{}.js", file.to_string_lossy());
    Ok(PathBuf::from(name))
}

/// A `.env` file as twilio-run's dotenv 6 reads it: `KEY=value` per line, values unquoted.
/// dotenv 6 trims spaces and strips a leading or trailing quote, so such values are refused
/// rather than silently changed.
pub fn dotenv(vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    for (key, value) in vars {
        let key_ok = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !key_ok {
            return Err(format!(
                "the environment variable name {key:?} cannot be written to the Function's .env"
            ));
        }
        let edge = |c: Option<char>| c.is_some_and(|c| c.is_whitespace() || c == '"' || c == '\'');
        if value.contains(['\n', '\r']) || edge(value.chars().next()) || edge(value.chars().last())
        {
            return Err(format!(
                "the value of {key} cannot be passed to twilio-run unchanged: its .env reader trims \
                 spaces and quotes at either end and cannot hold line breaks"
            ));
        }
        out.push_str(&format!("{key}={value}\n"));
    }
    Ok(out)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn absolute(file: &Path) -> Result<PathBuf, String> {
    if file.is_absolute() {
        return Ok(file.to_path_buf());
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(file))
        .map_err(|e| format!("the working directory cannot be read: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_file_follows_the_url_path() {
        assert_eq!(
            function_file("/k3v9q-long-random-path").unwrap(),
            PathBuf::from("k3v9q-long-random-path.js")
        );
        assert_eq!(function_file("/a/b/").unwrap(), PathBuf::from("a/b.js"));
        assert!(function_file("/").is_err());
        assert!(function_file("/../etc").is_err());
        assert!(function_file("/a%20b").is_err());
    }

    #[test]
    fn dotenv_refuses_values_it_would_change() {
        let mut vars = BTreeMap::new();
        vars.insert(
            "API_SECRET".to_string(),
            "Tr0ub4dor&3=horse+staple".to_string(),
        );
        assert_eq!(
            dotenv(&vars).unwrap(),
            "API_SECRET=Tr0ub4dor&3=horse+staple\n"
        );
        vars.insert("X".to_string(), " padded".to_string());
        assert!(dotenv(&vars).unwrap_err().contains("X"));
        vars.remove("X");
        vars.insert("Q".to_string(), "'quoted'".to_string());
        assert!(dotenv(&vars).is_err());
    }
}
