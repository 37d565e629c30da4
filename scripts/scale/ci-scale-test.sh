#!/usr/bin/env bash
# The Scale test workflow's step: runs scale-test with the workflow's inputs (passed through env, never
# through ${{ }} in run:), then puts its Markdown summary (with the Mermaid chart) on the run page.
set -euo pipefail

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/../lib/log.sh"

# Bad input exits 2, as scale-test does: 1 means the stack did not scale as expected.
bad_input() {
  error "$*"
  exit 2
}

usage() {
  cat <<'USAGE'
Usage: MODE=load|drill [API_URL=...] [DEMAND=3.5] [MINUTES=10] [EXPECT_MAX=N] [OUT=scale-test-out] \
       scripts/scale/ci-scale-test.sh
load: keeps DEMAND task-equivalents for MINUTES, expects back to min afterwards (and EXPECT_MAX if set).
drill: sets the scale-up then the scale-down alarm to ALARM and expects the count to follow.
Appends OUT/summary.md to $GITHUB_STEP_SUMMARY when that is set. Exit code: scale-test's.
USAGE
}
[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && { usage; exit 0; }

mode=${MODE:-}
out=${OUT:-scale-test-out}
args=("$mode" --out "$out")
case "$mode" in
  load)
    [ -n "${API_URL:-}" ] || bad_input "API_URL is empty (the network root's invoke_url output)"
    [[ ${DEMAND:-3.5} =~ ^[0-9]+(\.[0-9]+)?$ ]] || bad_input "DEMAND '${DEMAND:-}' is not a number"
    if ! [[ ${MINUTES:-10} =~ ^[0-9]+$ ]] || [ "${MINUTES:-10}" -lt 1 ] || [ "${MINUTES:-10}" -gt 60 ]; then
      bad_input "MINUTES '${MINUTES:-}' must be a whole number from 1 to 60"
    fi
    args+=(--api-url "$API_URL" --demand "${DEMAND:-3.5}" --minutes "${MINUTES:-10}" --expect-back-to-min)
    if [ -n "${EXPECT_MAX:-}" ]; then
      [[ $EXPECT_MAX =~ ^[0-9]+$ ]] || bad_input "EXPECT_MAX '$EXPECT_MAX' is not a whole number"
      args+=(--expect-max "$EXPECT_MAX")
    fi
    ;;
  drill) ;;
  *) usage >&2; bad_input "MODE must be load or drill" ;;
esac

status=0
"$(dirname "$0")/scale-test" "${args[@]}" || status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
  cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
