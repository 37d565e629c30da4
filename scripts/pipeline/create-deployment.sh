#!/usr/bin/env bash
# Deploy's last step: a CodeDeploy blue/green deployment of a task definition to the ECS service, then
# watch-deployment.sh until it ends.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/create-deployment.sh --application NAME --deployment-group NAME
         --task-definition-arn ARN [--container-name app] [--container-port 3000]
         [--subnets ID,ID... --security-groups ID,ID...]
         [--timeout SECONDS] [--interval SECONDS] [--rollback-timeout SECONDS]
--subnets/--security-groups (the service root's task_subnet_ids and tasks_security_group_id) put the tasks'
network configuration into the AppSpec: the service root leaves it to CodeDeploy (AWS refuses in-place
network updates of a CODE_DEPLOY service), so this is how a change of subnets or security group rolls out.
Refuses (exit 1), naming it, when the group already has a deployment in progress. Otherwise renders the
AppSpec (render-appspec.sh), creates the deployment, writes output deployment_id ($GITHUB_OUTPUT in Actions,
otherwise stdout) and watches it (watch-deployment.sh: --timeout default 1800, --interval default 15,
--rollback-timeout default 900). Exits non-zero when the deployment does not succeed.
USAGE
}

application='' group='' task_definition_arn='' appspec_args=() watch_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --application) application=${2:?--application needs a value}; shift 2 ;;
    --deployment-group) group=${2:?--deployment-group needs a value}; shift 2 ;;
    # Empty: a service root state from before these outputs existed; the deployment keeps the current network.
    --subnets | --security-groups)
      [ -z "${2-}" ] || appspec_args+=("$1" "$2"); shift 2 ;;
    --task-definition-arn) task_definition_arn=${2:?$1 needs a value}; appspec_args+=("$1" "$2"); shift 2 ;;
    --container-name | --container-port)
      appspec_args+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --timeout | --interval | --rollback-timeout) watch_args+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n $application && -n $group ]] || { usage >&2; exit 2; }
require_cmd aws jq sha256sum
pipeline_region
here=$(dirname "$0")

appspec=$("$here/render-appspec.sh" "${appspec_args[@]}")
revision=$(jq -n --arg content "$appspec" --arg sha "$(printf '%s' "$appspec" | sha256sum | cut -d' ' -f1)" \
  '{revisionType: "AppSpecContent", appSpecContent: {content: $content, sha256: $sha}}')

# A group runs one deployment at a time: CreateDeployment refuses a second one with
# DeploymentLimitExceededException (CodeDeploy API Reference, CreateDeployment). A deployment still running —
# left by a cancelled job, a rollback, or one left in its termination wait — is named here with what to do.
active=$(aws deploy list-deployments --application-name "$application" --deployment-group-name "$group" \
  --include-only-statuses Created Queued InProgress Baking Ready --query deployments --output json) ||
  fatal "cannot list the deployments of $application/$group"
if [ "$(jq length <<<"$active")" -gt 0 ]; then
  running_links=()
  while read -r running; do
    running_links+=("$(deployment_link "$running")")
    info=$(aws deploy get-deployment --deployment-id "$running" --query deploymentInfo --output json) ||
      fatal "cannot read deployment $running"
    error "deployment $(jq -r '"\(.deploymentId) is \(.status) (created by \(.creator // "unknown"), \(.description // "no description"))\(if .instanceTerminationWaitTimeStarted then "; its traffic has fully shifted and CodeDeploy is waiting to terminate the old tasks" else "" end)"' <<<"$info")"
  done < <(jq -r '.[]' <<<"$active")
  summary "- **Deployment**: not created — $application/$group already has one in progress: ${running_links[*]}"
  fatal "$application/$group already has a deployment in progress, and CodeDeploy runs one at a time: let it end (re-run this workflow afterwards), or end it with \`aws deploy stop-deployment --deployment-id ID --auto-rollback-enabled\` (a deployment in its termination wait: \`aws deploy continue-deployment --deployment-id ID --deployment-wait-type TERMINATION_WAIT\`)"
fi

log "creating a deployment in $application/$group"
deployment_id=$(aws deploy create-deployment --application-name "$application" --deployment-group-name "$group" \
  --description "${GITHUB_REPOSITORY:-local}@${GITHUB_SHA:-local}" \
  --revision "$revision" --query deploymentId --output text)
[[ -n $deployment_id && $deployment_id != None ]] || fatal "CodeDeploy returned no deployment id"
set_output deployment_id "$deployment_id"
summary "- **Deployment**: $(deployment_link "$deployment_id") of \`$task_definition_arn\` in $application/$group"

"$here/watch-deployment.sh" --deployment-id "$deployment_id" "${watch_args[@]}"
