#!/usr/bin/env bash
# The scaling tools' part of `make test`: the model against AWS's documented rules, scale-sim, the model's
# reading of terraform/service against a real plan of it, and the offline rehearsal of scale-test (load and
# drill mode, and two broken wirings) against moto in-process, in simulated time (~1.5 minutes on 2 cores).
set -euo pipefail

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case "${1:-}" in
  -h | --help) echo "Usage: scripts/test-scale.sh [PYTEST_ARGS...]  (pytest Tests/scale; needs python3 with pytest, boto3, moto; terraform for the plan test)"; exit 0 ;;
esac

cd "$(dirname "$0")/.."
python3 -c 'import pytest, boto3, moto' 2>/dev/null || fatal "python3 lacks pytest, boto3 or moto (run scripts/install-deps.sh test)"
log "pytest Tests/scale"
python3 -m pytest -q -p no:cacheprovider Tests/scale "$@"
