//! Finding Node.js and Twilio's local Functions runtime (`twilio-run`).
//!
//! The runtime comes from `fixtures/functions/node_modules` of this crate (installed by
//! `npm ci` there, or `.ci/install-node-deps.sh`), or from the `node_modules` folder named by
//! `RSA_VERIFY_SIM_NODE_MODULES`.

use std::path::{Path, PathBuf};

/// Environment variable naming a `node_modules` folder that holds `twilio-run`.
pub const NODE_MODULES_VAR: &str = "RSA_VERIFY_SIM_NODE_MODULES";

/// What to do when Node.js or the runtime is missing.
pub const INSTALL_HINT: &str =
    "install Node.js 20+ and run `npm ci` in fixtures/functions (or .ci/install-node-deps.sh)";

/// The `node_modules` folder used when `RSA_VERIFY_SIM_NODE_MODULES` is not set.
pub fn default_node_modules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("functions")
        .join("node_modules")
}

/// Where Node.js and the runtime are.
#[derive(Clone, Debug)]
pub struct NodeRuntime {
    /// The `node` executable.
    pub node: PathBuf,
    /// The `node_modules` folder holding `twilio-run`.
    pub node_modules: PathBuf,
    /// `twilio-run`'s entry script, run with `node`.
    pub twilio_run: PathBuf,
}

/// Finds the `node` executable on `PATH`.
pub fn find_node() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("node"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| format!("Node.js not found: {INSTALL_HINT}"))
}

/// Finds Node.js and `twilio-run`, or says what to install.
pub fn locate() -> Result<NodeRuntime, String> {
    let node = find_node()?;
    let (node_modules, from_var) = match std::env::var_os(NODE_MODULES_VAR) {
        Some(dir) if !dir.is_empty() => (PathBuf::from(dir), true),
        _ => (default_node_modules(), false),
    };
    let twilio_run = node_modules
        .join("twilio-run")
        .join("bin")
        .join("twilio-run.js");
    if !twilio_run.is_file() {
        let origin = if from_var {
            format!(" ({NODE_MODULES_VAR})")
        } else {
            String::new()
        };
        return Err(format!(
            "twilio-run not found in {}{origin}: {INSTALL_HINT}",
            node_modules.display()
        ));
    }
    Ok(NodeRuntime {
        node,
        node_modules,
        twilio_run,
    })
}

/// A script preloaded into every Node process the harness starts (`NODE_OPTIONS=--require`):
///
/// - servers that listen on a port without naming a host (`app.listen(port)`, as twilio-run
///   does) listen on 127.0.0.1 only, so nothing the harness starts is reachable from elsewhere;
/// - the process exits when the harness that started it is gone (killed, or stopped with Ctrl-C),
///   so no runtime is left behind even when the harness could not clean up.
pub const PRELOAD: &str = r#"// Written by rsa-verify-sim: loopback-only servers; exit when the harness is gone.
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1');
  } else if (first && typeof first === 'object' && first.port !== undefined && !first.host && !first.path) {
    args[0] = Object.assign({}, first, { host: '127.0.0.1' });
  }
  return listen.apply(this, args);
};
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 500).unref();
"#;

/// Writes [`PRELOAD`] to `dir/preload.js` and returns the `NODE_OPTIONS` value that loads it.
pub fn write_preload(dir: &Path) -> Result<String, String> {
    let file = dir.join("preload.js");
    std::fs::write(&file, PRELOAD).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(format!("--require {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_runtime_lives_in_the_fixtures() {
        assert!(default_node_modules().ends_with("fixtures/functions/node_modules"));
    }
}
