#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: if `docker info` fails, starts dockerd in the
# background (as root) and waits a bounded time for it. Safe to run again: an answering engine is left alone.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/start-docker-engine.sh [--help]
Starts dockerd in the background when no Docker engine answers, then waits until `docker info` works.
Environment:
  DOCKERD_LOG           where dockerd writes its log (default: /tmp/dockerd.log)
  DOCKERD_WAIT_SECONDS  how long to wait for the engine (default: 60)
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  '') ;;
  *) usage >&2; exit 2 ;;
esac

command -v docker >/dev/null 2>&1 || fatal "no docker client on PATH (scripts/install-deps.sh test installs docker.io)"

if docker info >/dev/null 2>&1; then
  exit 0
fi

command -v dockerd >/dev/null 2>&1 || fatal "no engine answers and dockerd is not installed (apt-get install docker.io)"
[ "$(id -u)" -eq 0 ] || fatal "no engine answers; start one as root (sudo $0) or start the docker service"

log_file=${DOCKERD_LOG:-/tmp/dockerd.log}
wait_seconds=${DOCKERD_WAIT_SECONDS:-60}

# A second dockerd on the same socket would fail, so only start one if none is running yet
# (it may still be starting from an earlier call).
if ! pgrep -x dockerd >/dev/null 2>&1; then
  log "starting dockerd (log: $log_file)"
  # setsid + nohup: the engine outlives this script and the test run that started it.
  setsid nohup dockerd >"$log_file" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$wait_seconds"); do
  if docker info >/dev/null 2>&1; then
    log "engine is up: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)"
    exit 0
  fi
  sleep 1
done
fatal "engine did not answer within ${wait_seconds}s; see $log_file"
