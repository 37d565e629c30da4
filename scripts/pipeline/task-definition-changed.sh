#!/usr/bin/env bash
# Deploy's "check" step: a deployment is needed only when the task root produced a task definition revision
# other than the one the service runs. Same image -> Terraform changes nothing -> same ARN -> no deployment.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/task-definition-changed.sh --current ARN --new ARN
  --current  the service's task definition (ecs-check.sh task_definition_arn)
  --new      the task root's task_definition_arn output
Output ($GITHUB_OUTPUT in Actions, otherwise stdout): deploy=true|false.
Fails when --current is empty: Deploy needs a running service (run the Init workflow first).
USAGE
}

current='' new='' seen_current=false
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --current) current=${2-}; seen_current=true; shift 2 || { usage >&2; exit 2; } ;;
    --new) new=${2:?--new needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ $seen_current == true && -n $new ]] || { usage >&2; exit 2; }
[ -n "$current" ] || fatal "the service does not exist (no current task definition): run the Init workflow first"

arn_pattern='^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$'
[[ $current =~ $arn_pattern ]] || fatal "--current '$current' is not a task definition ARN"
[[ $new =~ $arn_pattern ]] || fatal "--new '$new' is not a task definition ARN"

if [ "$current" = "$new" ]; then
  log "the service already runs $new: no deployment"
  set_output deploy false
else
  log "the service runs $current; the task root has $new: deploy"
  set_output deploy true
fi
