#!/usr/bin/env bash
# Sets up and starts `orchd server` with the embedded SQLite store: installs the Debian packages,
# builds build/release/orchd, then runs it in the foreground (Ctrl-C or SIGTERM stops it).
#
#   scripts/run-server.sh [server flags...]     e.g. --data-dir /var/lib/orchd --log-level debug
#
# State lives in <data-dir>/server/db/state.db; the default data dir /var/lib/orchd needs root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$root/scripts/deps.sh"
"$root/scripts/build.sh" release orchd
exec "$root/build/release/orchd" server "$@"
