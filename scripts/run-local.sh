#!/usr/bin/env bash
# `make run`: installs what is missing, builds FCGIApp in release mode and serves it behind nginx on
# PORT (3000) through the same entrypoint the container uses; Ctrl-C stops both gracefully.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/run-local.sh [--help]
Runs scripts/install-deps.sh run, `swift build -c release`, then scripts/entrypoint.sh with
APP_HOME=<repo>, FCGIAPP_BIN=<repo>/.build/release/FCGIApp and RUNTIME_DIR=/tmp/fcgiapp-<uid>-<port>.
Every variable of `scripts/entrypoint.sh --help` applies (PORT, BASE_PATH, IMAGE, ...).
Then: curl localhost:3000/dev/host
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case ${1:-} in
  -h | --help) usage; exit 0 ;;
  '') ;;
  *) usage >&2; exit 2 ;;
esac

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export PATH="/opt/swift/usr/bin:$PATH"

scripts/install-deps.sh run
command -v swift >/dev/null 2>&1 || fatal "swift is not on PATH"
log "building FCGIApp (release)"
swift build -c release --product FCGIApp
bin_dir=$(swift build -c release --show-bin-path)

export APP_HOME=$repo
export FCGIAPP_BIN=$bin_dir/FCGIApp
export PORT=${PORT:-3000}
# Per user and port, so two local runs (or a run and the tests) never share a socket.
export RUNTIME_DIR=${RUNTIME_DIR:-/tmp/fcgiapp-$(id -u)-$PORT}
log "serving on http://localhost:$PORT/${BASE_PATH:-dev}/host"
exec "$repo/scripts/entrypoint.sh"
