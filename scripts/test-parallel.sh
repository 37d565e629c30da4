#!/usr/bin/env bash
# Runs make targets at the same time, each into its own log, then prints the logs one after the other and
# fails naming every target that failed. For suites that are independent (own emulator, own ports, own
# scratch directories) and spend much of their time waiting on one core or on each other's processes.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test-parallel.sh TARGET...
Runs `make TARGET` for every TARGET at once; prints each one's output when all have ended (in the order
given) with its duration, and exits 1 naming the targets that failed.
USAGE
}
# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  '') usage >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/test-parallel.XXXXXX")
pids=()
# Ctrl-C or a stop of this script ends the targets too, and the logs go with it.
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

for target in "$@"; do
  log "started make $target (output follows when all have ended)"
  ( started=$SECONDS; rc=0; make --no-print-directory "$target" >"$work/$target.log" 2>&1 || rc=$?
    printf '%s %s\n' "$rc" "$((SECONDS - started))" >"$work/$target.status" ) &
  pids+=($!)
done
wait "${pids[@]}" || true

failed=()
for target in "$@"; do
  read -r rc seconds <"$work/$target.status" || { rc=1 seconds='?'; }
  log "==== make $target: exit $rc after ${seconds}s ===="
  cat "$work/$target.log" >&2
  [ "$rc" -eq 0 ] || failed+=("$target")
done
[ ${#failed[@]} -eq 0 ] || fatal "failed: ${failed[*]}"
log "all passed: $*"
