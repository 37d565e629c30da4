#!/usr/bin/env bash
# Deploy's "check" step: a deployment is needed only when the task root produced a task definition revision
# other than the one the service runs, and that revision was not already deployed and rolled back. Same
# image -> Terraform changes nothing -> same ARN -> no deployment. After a rollback the task root still holds
# the bad revision while the service runs the previous one; without the history check every later push (a
# README change) would deploy the bad revision again.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/task-definition-changed.sh --current ARN --new ARN
         [--application NAME --deployment-group NAME [--retry-rolled-back]]
  --current  the service's task definition (ecs-check.sh task_definition_arn)
  --new      the task root's task_definition_arn output
  --application, --deployment-group
             the CodeDeploy group: when given, a --new whose last deployment there ended Failed or Stopped
             (and so was rolled back) is not deployed again
  --retry-rolled-back
             deploy such a revision anyway (after fixing what made it fail outside the image)
Output ($GITHUB_OUTPUT in Actions, otherwise stdout): deploy=true|false; the reason is logged.
Fails when --current is empty: Deploy needs a running service (run the Init workflow first).
USAGE
}

current='' new='' seen_current=false application='' group='' retry=false
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --current) current=${2-}; seen_current=true; shift 2 || { usage >&2; exit 2; } ;;
    --new) new=${2:?--new needs a value}; shift 2 ;;
    --application) application=${2:?--application needs a value}; shift 2 ;;
    --deployment-group) group=${2:?--deployment-group needs a value}; shift 2 ;;
    --retry-rolled-back) retry=true; shift ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ $seen_current == true && -n $new ]] || { usage >&2; exit 2; }
{ [ -n "$application" ] && [ -n "$group" ]; } || { [ -z "$application" ] && [ -z "$group" ]; } ||
  fatal "give both --application and --deployment-group, or neither"
[ -n "$current" ] || fatal "the service does not exist (no current task definition): run the Init workflow first"

arn_pattern='^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$'
[[ $current =~ $arn_pattern ]] || fatal "--current '$current' is not a task definition ARN"
[[ $new =~ $arn_pattern ]] || fatal "--new '$new' is not a task definition ARN"

if [ "$current" = "$new" ]; then
  log "no deployment: the service already runs $new"
  summary "- **Deployment**: skipped — the service already runs \`$new\` (nothing in this push changed the task definition)"
  set_output deploy false
  exit 0
fi

# The newest deployment of --new in the group that ended Failed or Stopped, from CodeDeploy's history (the
# AppSpec of each deployment names its task definition). Rollback deployments are CodeDeploy's own.
rolled_back=''
if [ -n "$application" ]; then
  require_cmd aws jq
  ids=$(aws deploy list-deployments --application-name "$application" --deployment-group-name "$group" \
    --include-only-statuses Failed Stopped --query deployments --output json) ||
    fatal "cannot list the deployments of $application/$group"
  infos='[]'
  # One GetDeployment per ended deployment (the deploy role's permissions; a group's failures are few).
  while read -r id; do
    info=$(aws deploy get-deployment --deployment-id "$id" --query deploymentInfo --output json) ||
      fatal "cannot read deployment $id of $application/$group"
    infos=$(jq -c --argjson info "$info" '. + [$info]' <<<"$infos")
  done < <(jq -r '.[]' <<<"$ids")
  rolled_back=$(jq -c --arg arn "$new" '
    map(select(.creator != "codeDeployRollback")
        | select((.revision.appSpecContent.content // "")
                 | (capture("TaskDefinition: *\"?(?<arn>[^\"\\s]+)").arn // "") == $arn))
    | sort_by(.createTime) | last // empty' <<<"$infos")
fi

if [ -n "$rolled_back" ] && [ "$retry" != true ]; then
  log "no deployment: $new was deployed in $(jq -r '"\(.deploymentId) (\(.description // "no description")), which ended \(.status): \(.errorInformation.code // "")\(if .errorInformation.message then ": " + .errorInformation.message else "" end)"' <<<"$rolled_back")"
  log "the service stays on $current; a change to the image inputs or the task root makes a new revision to deploy (or retry with --retry-rolled-back)"
  summary "- **Deployment**: skipped — \`$new\` was already deployed in $(deployment_link "$(jq -r .deploymentId <<<"$rolled_back")"), which ended $(jq -r .status <<<"$rolled_back") and was rolled back; the service stays on \`$current\`"
  set_output deploy false
else
  [ -z "$rolled_back" ] || log "retrying $new, rolled back in $(jq -r .deploymentId <<<"$rolled_back"), as asked"
  log "deploy: the service runs $current; the task root has $new"
  summary "- **Task definition**: \`$new\` to deploy (the service runs \`$current\`)"
  set_output deploy true
fi
