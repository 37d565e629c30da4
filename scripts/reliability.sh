#!/usr/bin/env bash
# `make reliability` (not part of `make test`): issue 11's reliability table against the app as `make run`
# starts it, and the fault rows against the container when a Docker engine answers. Prints one table (and
# writes it as Markdown); exit 0 when every row that ran passed, 1 when a goal failed, 2 bad settings/setup.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/reliability.sh [--help]
Installs wrk if missing, builds FCGIApp (release), builds the image when a Docker engine answers, then runs
scripts/reliability/main.py (about 8 minutes with the defaults). All traffic is on 127.0.0.1.
Environment (defaults in brackets):
  RELIABILITY_SWEEP (64,128,192,256,512)  RELIABILITY_ROUNDS (3)  RELIABILITY_SECONDS (5): the sweep, wrk -t1
  RELIABILITY_MANY_CONNECTIONS (1024)  RELIABILITY_MANY_SECONDS (30)
  RELIABILITY_SOAK_SECONDS (180)  RELIABILITY_STOP_CONNECTIONS (256)  RELIABILITY_STRESS_SECONDS (10)
  RELIABILITY_SLOWLORIS (2000)  RELIABILITY_FLOOD (500)  RELIABILITY_ATTACK_SECONDS (30)
  RELIABILITY_FUZZ_REQUESTS (10000)  RELIABILITY_FUZZ_SEED (random; printed in the table)
  RELIABILITY_ONLY (all): comma list of sweep,many,soak,slowloris,flood,fuzz,faults,container,stress
  RELIABILITY_CONTAINER (auto): off skips the container rows; auto runs them when `docker info` answers
  RELIABILITY_IMAGE: image to test instead of building one (fargate-auto-scaled-backend:reliability)
  RELIABILITY_CPU_GROUP (auto): one CPU cgroup for everything, as in a container; off keeps the sessions
  RELIABILITY_RESULTS (reliability-results/): where the Markdown table goes
  NGINX_WORKER_PROCESSES, NGINX_WORKER_CONNECTIONS, NGINX_UPSTREAM_KEEPALIVE, FCGI_WORKERS, FCGI_BACKLOG,
  LAME_DUCK_SECONDS, NGINX_ACCESS_LOG (off): passed to the server to compare sizings.
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case ${1:-} in
  -h | --help) usage; exit 0 ;;
  '') ;;
  *) usage >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh bench || exit 2
command -v wrk >/dev/null 2>&1 || { error "wrk is missing"; exit 2; }
log "building FCGIApp (release)"
swift build -c release --product FCGIApp || exit 2
FCGIAPP_BIN="$(swift build -c release --show-bin-path)/FCGIApp"
export FCGIAPP_BIN

# The container rows need an image: the one given, else one built offline as scripts/test-container.sh
# does (local base images where this machine can make them). A failed build skips those rows, saying why.
wants_container() {
  [ "${RELIABILITY_CONTAINER:-auto}" != off ] && [[ ",${RELIABILITY_ONLY:-container}," == *,container,* ]]
}
if wants_container && [ -z "${RELIABILITY_IMAGE:-}" ] && docker info >/dev/null 2>&1; then
  tag=fargate-auto-scaled-backend:reliability
  build_log=$(mktemp /tmp/reliability-build.XXXXXX)
  log "building the image $tag (log: $build_log)"
  if (eval "$(scripts/build-base-images.sh)" &&
    docker build --build-arg SWIFT_IMAGE --build-arg RUNTIME_IMAGE -t "$tag" .) >"$build_log" 2>&1; then
    export RELIABILITY_IMAGE=$tag
  else
    export RELIABILITY_CONTAINER_SKIPPED="the image build failed (see $build_log)"
  fi
fi

exec python3 scripts/reliability/main.py
