#!/usr/bin/env bash
# `make bench`: wrk against /dev/host through nginx + FastCGI, its peers (PHP-FPM, a C libfcgi responder)
# and nginx alone (same run, same nginx settings), then the stress accuracy table. Prints figures against the targets; never fails on
# them (timing belongs here, not in `make test`).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench.sh
Installs wrk, PHP-FPM and gcc if missing, builds FCGIApp (release) and runs scripts/bench/bench.py.
Environment:
  BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_CONNECTIONS (64), BENCH_STRESS_SECONDS (5; 0 skips the stress table)
  BENCH_PEERS (php,c): peers measured in the same run behind the same nginx settings; empty for none
  BENCH_CPU_GROUP (auto): run everything in one CPU cgroup as a container does; off keeps the sessions
  as started (with autogroups the SCHED_IDLE stress then competes with nginx and wrk as a group)
  NGINX_WORKER_PROCESSES, NGINX_UPSTREAM_KEEPALIVE, FCGI_WORKERS, NGINX_WORKER_CONNECTIONS, FCGI_BACKLOG,
  NGINX_ACCESS_LOG: passed to the entrypoint (and mirrored in the baseline) to compare sizings.
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case ${1:-} in -h | --help) usage; exit 0 ;; esac

cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh bench
command -v wrk >/dev/null 2>&1 || fatal "wrk is missing"
log "building FCGIApp (release)"
swift build -c release --product FCGIApp
FCGIAPP_BIN="$(swift build -c release --show-bin-path)/FCGIApp"
export FCGIAPP_BIN
exec python3 scripts/bench/bench.py
