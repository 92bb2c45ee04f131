#!/usr/bin/env bash
# Installs the npm dependencies of the `function` bridge kind (twilio-run 5.0.1,
# @twilio/runtime-handler, twilio) into fixtures/functions/node_modules, exactly as
# fixtures/functions/package-lock.json pins them. Needs Node.js 20+ and npm; reaches only the npm
# registry. tests/external_bridges.rs and `run --bridge function=...` fail with an install hint
# until this has run.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/functions"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js not found: install Node.js 20+ (with npm), then run this script again" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old: twilio-run 5.0.1 needs Node.js 20 or 22" >&2
  exit 1
fi

echo "== npm ci in fixtures/functions (node $(node --version), npm $(npm --version))"
npm ci --no-audit --no-fund --loglevel=error
test -f node_modules/twilio-run/bin/twilio-run.js
echo "== twilio-run $(node -p 'require("./node_modules/twilio-run/package.json").version') installed"
