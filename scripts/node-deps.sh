#!/usr/bin/env bash
# Installs the npm packages of the Node.js client test (tests/integration/node: the pinned
# @kubernetes/client-node and what it needs) from package-lock.json with `npm ci`.
#
#   scripts/node-deps.sh
#
# Idempotent and quiet: it does nothing when node_modules was installed from the same
# package-lock.json (a checksum stamp inside node_modules says so). Without node 20+ and npm it
# says so and exits 0: tests/integration/node_client_test then warns and passes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/node"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node-deps.sh: node or npm is missing; the Node.js client test will be skipped" >&2
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
  echo "node-deps.sh: node $(node --version) is older than 20; the Node.js client test" \
    "will be skipped" >&2
  exit 0
fi

stamp=node_modules/.orchd-lock.sha256
want=$(sha256sum package.json package-lock.json)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

echo "node-deps.sh: installing npm packages into tests/integration/node" >&2
npm ci --no-audit --no-fund --loglevel=error >/dev/null
printf '%s\n' "$want" >"$stamp"
