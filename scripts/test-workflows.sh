#!/usr/bin/env bash
# The GitHub Actions part of `make test`: the workflows lint clean, and their scripts work, alone and in the
# workflows' order (the rehearsal of Init, Deploy and Destroy against the AWS emulator on 127.0.0.1).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test-workflows.sh [--no-rehearsal | --rehearsal-only | --only TEST_FILE...] [-- PYTEST_ARGS...]
  1. actionlint, zizmor --offline, yamllint (.yamllint.yml) and shellcheck on the workflows and their scripts
  2. pytest Tests/workflows: every scripts/pipeline/*.sh against the AWS emulator, then the rehearsal
     (Init on an empty account, Deploy without and with a change, their job summaries, pull request plans as
     the read-only plan role, Destroy; ~6-8 minutes on 2 cores), and the faults rehearsal (long Linear
     deployment, rollback, concurrent deployment, stale lock, unreadable state)
  --no-rehearsal    skip the rehearsals (the Terraform part), run everything else
  --rehearsal-only  only the rehearsals (no linters); with --no-rehearsal, the two halves of this suite
  --only TEST_FILE  only this test file (repeatable; no linters), e.g. one rehearsal while working on it
Needs: aws (CLI), jq, curl, terraform, python3 with pytest, moto and PyYAML, and the linters in TOOLS_VENV
(scripts/install-deps.sh test installs them).
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"
# shellcheck source=scripts/lib/check.sh
source "$(dirname "$0")/lib/check.sh"

# The rehearsals: the one pattern both halves (--no-rehearsal, --rehearsal-only) use, so a new one is never
# left out of both.
rehearsals='Tests/workflows/test_rehearsal*.py'
pytest_args=() targets=(Tests/workflows) lint=true
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --no-rehearsal)
      pytest_args+=(--ignore-glob="$rehearsals")
      shift
      ;;
    --rehearsal-only)
      targets=("$rehearsals") lint=false
      shift
      ;;
    --only)
      # The first --only replaces the whole directory; later ones add to it.
      if [ "$lint" = true ]; then targets=(); fi
      targets+=("${2:?--only needs a test file}")
      lint=false
      shift 2
      ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
if [ "${targets[*]}" = "$rehearsals" ]; then
  # shellcheck disable=SC2206 # the pattern is expanded here, relative to the repository
  targets=($rehearsals)
fi
venv=${TOOLS_VENV:-$HOME/.cache/fargate-auto-scaled-backend/tools}
export PATH="$PATH:$venv/bin"

missing=()
for tool in actionlint zizmor yamllint shellcheck aws jq curl terraform python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] || fatal "missing tools: ${missing[*]} (run scripts/install-deps.sh test)"
python3 -c 'import pytest, moto, yaml' 2>/dev/null || fatal "python3 lacks pytest, moto or PyYAML"

failed=()

if [ "$lint" = true ]; then
  check actionlint actionlint
  check zizmor zizmor --offline --quiet .github
  check yamllint yamllint --strict -c .yamllint.yml .
  check shellcheck shellcheck -x scripts/pipeline/*.sh scripts/pipeline/lib/*.sh scripts/test-workflows.sh \
    Tests/workflows/fakes/docker Tests/workflows/fakes/unreadable-state/terraform \
    Tests/workflows/fakes/noisy-aws/aws
fi

log "pytest ${targets[*]}"
if ! python3 -m pytest -q -p no:cacheprovider "${targets[@]}" "${pytest_args[@]}"; then
  failed+=(pytest)
fi

if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
log "all workflow checks passed"
