#!/usr/bin/env bash
# HTTP-level tests: builds FCGIApp (release) and runs Tests/http with pytest, which starts the real
# entrypoint with real nginx on free 127.0.0.1 ports. Extra arguments go to pytest (e.g. -k stress -x).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test-http.sh [PYTEST_ARGS...]
Builds .build/release/FCGIApp, then runs `python3 -m pytest -q Tests/http`.
Environment: HTTP_TEST_SEED fixes the random-path test's seed (it prints the one it used on failure).
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case ${1:-} in -h | --help) usage; exit 0 ;; esac

cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null 2>&1 || fatal "swift is not on PATH"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || fatal "nginx is missing: scripts/install-deps.sh test"
python3 -c 'import pytest' 2>/dev/null || fatal "pytest is missing: scripts/install-deps.sh test"

log "building FCGIApp (release)"
swift build -c release --product FCGIApp
FCGIAPP_BIN="$(swift build -c release --show-bin-path)/FCGIApp"
export FCGIAPP_BIN

log "running Tests/http"
# No cache directory in the repo; the tests' own temporary directories are removed by their fixtures.
exec python3 -m pytest -q -p no:cacheprovider Tests/http "$@"
