#!/usr/bin/env bash
# Follows one CodeDeploy deployment until it ends. Succeeded -> exit 0; Failed or Stopped -> CodeDeploy's own
# error code and message and exit 1; still running at the deadline -> stopped with rollback, the last status and
# exit 1, so a stuck blue/green deployment fails the workflow within its bound instead of holding the runner.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/watch-deployment.sh --deployment-id ID [--timeout SECONDS] [--interval SECONDS]
Polls `aws deploy get-deployment` every --interval seconds (default 15) for at most --timeout seconds
(default 1800); at the deadline it stops the deployment with automatic rollback.
Exit status: 0 Succeeded, 1 Failed, Stopped, timed out or the deployment cannot be read.
USAGE
}

deployment_id='' timeout=1800 interval=15
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --deployment-id) deployment_id=${2:?--deployment-id needs a value}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    --interval) interval=${2:?--interval needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$deployment_id" ] || { usage >&2; exit 2; }
[[ $deployment_id =~ ^d-[A-Z0-9]+$|^[0-9a-f-]{36}$ ]] || fatal "'$deployment_id' is not a deployment id"
[[ $timeout =~ ^[0-9]+$ ]] || fatal "--timeout must be whole seconds"
[[ $interval =~ ^[0-9]+$ && $interval -ge 1 ]] || fatal "--interval must be at least 1 second"
require_cmd aws jq

deadline=$((SECONDS + timeout))
last_status=''
while :; do
  info=$(aws deploy get-deployment --deployment-id "$deployment_id" --query deploymentInfo --output json) ||
    fatal "cannot read deployment $deployment_id"
  status=$(jq -r '.status // "Unknown"' <<<"$info")
  if [ "$status" != "$last_status" ]; then
    log "deployment $deployment_id: $status"
    last_status=$status
  fi
  case "$status" in
    Succeeded) exit 0 ;;
    Failed | Stopped)
      # errorInformation is CodeDeploy's reason; rollbackInfo says what it did about it.
      error "deployment $deployment_id $status: $(jq -r '
        [(.errorInformation.code // empty), (.errorInformation.message // "no error information")]
        | join(": ")' <<<"$info")"
      rollback=$(jq -r '.rollbackInfo.rollbackMessage // empty' <<<"$info")
      [ -z "$rollback" ] || error "rollback: $rollback"
      exit 1
      ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    # A deployment left running would make the next Deploy fail with DeploymentLimitExceeded, so it is
    # stopped and rolled back; if even that fails, say so, and the console shows it.
    if aws deploy stop-deployment --deployment-id "$deployment_id" --auto-rollback-enabled --output json >/dev/null; then
      fatal "deployment $deployment_id still $status after ${timeout}s; stopped it and asked CodeDeploy to roll back"
    fi
    fatal "deployment $deployment_id still $status after ${timeout}s and could not be stopped; stop it in the CodeDeploy console"
  fi
  # Never sleep past the deadline: the last poll happens at it.
  remaining=$((deadline - SECONDS))
  sleep $((interval < remaining ? interval : remaining))
done
