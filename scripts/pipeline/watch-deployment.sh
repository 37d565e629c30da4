#!/usr/bin/env bash
# Follows one CodeDeploy deployment until it ends. Succeeded -> exit 0. Failed or Stopped -> CodeDeploy's own
# error, then the automatic rollback (rollbackInfo.rollbackDeploymentId) is followed to its end, so the job
# ends only once the service is back on its previous revision (or says that the rollback failed); exit 1.
# At the deadline: a deployment whose traffic has fully shifted (instanceTerminationWaitTimeStarted: only the
# termination wait for the old tasks is left) is left to finish, exit 0; any other is stopped with rollback,
# the rollback followed, exit 1 — so a stuck deployment fails the workflow within its bound.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/watch-deployment.sh --deployment-id ID [--timeout SECONDS] [--interval SECONDS]
         [--rollback-timeout SECONDS]
Polls `aws deploy get-deployment` every --interval seconds (default 15) for at most --timeout seconds
(default 1800; size it with deployment-budget.sh). At the deadline a deployment whose traffic has fully
shifted is left to finish (exit 0); any other is stopped with automatic rollback. A rollback (automatic after
a failure, or after that stop) is followed for at most --rollback-timeout seconds (default 900).
Exit status: 0 Succeeded (or fully shifted at the deadline), 1 Failed, Stopped, timed out or unreadable.
USAGE
}

deployment_id='' timeout=1800 interval=15 rollback_timeout=900
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --deployment-id) deployment_id=${2:?--deployment-id needs a value}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
    --interval) interval=${2:?--interval needs a value}; shift 2 ;;
    --rollback-timeout) rollback_timeout=${2:?--rollback-timeout needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$deployment_id" ] || { usage >&2; exit 2; }
id_pattern='^d-[A-Z0-9]+$|^[0-9a-f-]{36}$'
[[ $deployment_id =~ $id_pattern ]] || fatal "'$deployment_id' is not a deployment id"
[[ $timeout =~ ^[0-9]+$ ]] || fatal "--timeout must be whole seconds"
[[ $rollback_timeout =~ ^[0-9]+$ ]] || fatal "--rollback-timeout must be whole seconds"
[[ $interval =~ ^[0-9]+$ && $interval -ge 1 ]] || fatal "--interval must be at least 1 second"
require_cmd aws jq

read_deployment() {
  aws deploy get-deployment --deployment-id "$1" --query deploymentInfo --output json ||
    fatal "cannot read deployment $1"
}

# Sleeps one interval, never past the deadline given (seconds since the script started).
pause_until() {
  local remaining=$(($1 - SECONDS))
  [ "$remaining" -gt 0 ] || return 0
  sleep $((interval < remaining ? interval : remaining))
}

# follow_rollback ID WHY: follows the rollback CodeDeploy started for a failed or stopped deployment (WHY: how
# it ended, for the job summary); always ends the script with 1.
follow_rollback() {
  local failed=$1 why=$2 info rollback_id status last='' deadline=$((SECONDS + rollback_timeout))
  # rollbackInfo may appear a moment after the status: read again until it names the rollback or says none.
  while :; do
    info=$(read_deployment "$failed")
    rollback_id=$(jq -r '.rollbackInfo.rollbackDeploymentId // empty' <<<"$info")
    [ -z "$rollback_id" ] || break
    if [ "$(jq -r '.autoRollbackConfiguration.enabled // false' <<<"$info")" != true ] &&
      [ -z "$(jq -r '.rollbackInfo.rollbackMessage // empty' <<<"$info")" ] || [ "$SECONDS" -ge "$deadline" ]; then
      error "no rollback deployment for $failed: the service keeps what CodeDeploy left (check the console)"
      summary "- **Outcome**: failed — $(deployment_link "$failed") $why; no rollback: the service keeps what CodeDeploy left"
      exit 1
    fi
    pause_until "$deadline"
  done
  [[ $rollback_id =~ $id_pattern ]] || fatal "rollback id '$rollback_id' is not a deployment id"
  log "waiting for rollback $rollback_id of $failed"
  while :; do
    status=$(jq -r '.status // "Unknown"' <<<"$(read_deployment "$rollback_id")")
    [ "$status" = "$last" ] || log "rollback $rollback_id: $status"
    last=$status
    case "$status" in
      Succeeded)
        error "deployment $failed did not succeed; rollback $rollback_id restored the previous revision"
        summary "- **Outcome**: rolled back — $(deployment_link "$failed") $why; rollback $(deployment_link "$rollback_id") restored the previous revision"
        exit 1 ;;
      Failed | Stopped)
        error "deployment $failed did not succeed and its rollback $rollback_id is $status: check the service in the console"
        summary "- **Outcome**: failed — $(deployment_link "$failed") $why, and its rollback $(deployment_link "$rollback_id") is $status: check the service"
        exit 1 ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      error "rollback $rollback_id still $status after ${rollback_timeout}s; the next Deploy waits for it to end"
      summary "- **Outcome**: failed — $(deployment_link "$failed") $why; its rollback $(deployment_link "$rollback_id") was still $status after ${rollback_timeout}s"
      exit 1
    fi
    pause_until "$deadline"
  done
}

deadline=$((SECONDS + timeout))
last_status=''
while :; do
  info=$(read_deployment "$deployment_id")
  status=$(jq -r '.status // "Unknown"' <<<"$info")
  shifted=$(jq -r '.instanceTerminationWaitTimeStarted // false' <<<"$info")
  if [ "$status" != "$last_status" ]; then
    log "deployment $deployment_id: $status"
    last_status=$status
  fi
  case "$status" in
    Succeeded)
      summary "- **Outcome**: deployed — $(deployment_link "$deployment_id") Succeeded"
      exit 0 ;;
    Failed | Stopped)
      # errorInformation is CodeDeploy's reason; rollbackInfo says what it did about it.
      reason=$(jq -r '[(.errorInformation.code // empty), (.errorInformation.message // "no error information")]
        | join(": ")' <<<"$info")
      error "deployment $deployment_id $status: $reason"
      follow_rollback "$deployment_id" "$status ($reason)"
      ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then
    if [ "$shifted" = true ]; then
      # All traffic is on the new tasks; CodeDeploy only waits to terminate the old ones (the group's
      # termination wait). Stopping now would roll back a healthy deployment.
      log "deployment $deployment_id: traffic fully shifted; CodeDeploy ends it by itself after the termination wait"
      summary "- **Outcome**: deployed — $(deployment_link "$deployment_id") has shifted all traffic to the new tasks; CodeDeploy ends it after the termination wait for the old ones"
      exit 0
    fi
    # A deployment left running would make the next Deploy fail with DeploymentLimitExceeded, so it is
    # stopped and rolled back; if even that fails, say so, and the console shows it.
    if aws deploy stop-deployment --deployment-id "$deployment_id" --auto-rollback-enabled --output json >/dev/null; then
      error "deployment $deployment_id still $status after ${timeout}s; stopped it and asked CodeDeploy to roll back"
      follow_rollback "$deployment_id" "was still $status after ${timeout}s and was stopped"
    fi
    summary "- **Outcome**: failed — $(deployment_link "$deployment_id") still $status after ${timeout}s and could not be stopped: stop it in the console"
    fatal "deployment $deployment_id still $status after ${timeout}s and could not be stopped; stop it in the CodeDeploy console"
  fi
  pause_until "$deadline"
done
