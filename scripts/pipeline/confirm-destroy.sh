#!/usr/bin/env bash
# Destroy deletes the whole stack, so it runs only when asked twice: started from main (the branch whose code
# created the stack; a branch's Terraform could differ), with the word typed in the run form.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/confirm-destroy.sh --confirm TEXT --ref REF
  --confirm  what was typed in the Destroy form; must be exactly: destroy
  --ref      the ref the workflow runs on (github.ref); must be refs/heads/main
Exit 0 when both hold, 1 with the reason otherwise.
USAGE
}

confirm='' ref='' seen=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --confirm) confirm=${2-}; seen=$((seen + 1)); shift 2 || { usage >&2; exit 2; } ;;
    --ref) ref=${2-}; seen=$((seen + 1)); shift 2 || { usage >&2; exit 2; } ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ "$seen" -eq 2 ] || { usage >&2; exit 2; }
[ "$ref" = refs/heads/main ] || fatal "Destroy runs only from main, not from '$ref': start it with 'Use workflow from: main'"
[ "$confirm" = destroy ] || fatal "type destroy in the 'confirm' field to delete the stack (got '$confirm'); nothing was deleted"
log "confirmed on main: destroying the stack"
