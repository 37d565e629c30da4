#!/usr/bin/env bash
# Deploy applies only the task root. The service and network roots read the task root's outputs (the
# service's target groups and security groups follow container_port), so a change there would reach the
# task definition while the load balancer and the security groups stay as they were. Deploy therefore plans the other roots and refuses to go on when one
# would change: those changes belong to Init, which applies every root in order (ecr -> task -> service ->
# network). It never applies them itself.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/require-roots-unchanged.sh ROOT...
Plans each ROOT (terraform-root.sh plan, same environment; nothing is applied) and fails, listing what would
change, when any plan has changes; then run the Init workflow, which applies every root in order.
USAGE
}

roots=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) roots+=("$1"); shift ;;
  esac
done
[ ${#roots[@]} -gt 0 ] || { usage >&2; exit 2; }
require_cmd jq

changed=()
for root in "${roots[@]}"; do
  changes=$("$(dirname "$0")/terraform-root.sh" plan "$root")
  if [ "$(jq length <<<"$changes")" -gt 0 ]; then
    error "the $root root would change: $(jq -r 'join(", ")' <<<"$changes")"
    changed+=("$root")
  else
    log "the $root root needs no change"
  fi
done
[ ${#changed[@]} -eq 0 ] || summary "- **Deployment**: not started — the ${changed[*]} root(s) would change too, and Deploy applies only the task root: run the Init workflow, then push again"
[ ${#changed[@]} -eq 0 ] ||
  fatal "Deploy applies only the task root; ${changed[*]} must be applied too (their inputs follow the task root's outputs, or their code changed): run the Init workflow, which applies every root in order, then push again"
