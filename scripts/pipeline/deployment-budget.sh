#!/usr/bin/env bash
# How long Deploy may watch a deployment, sized from the deployment group instead of a fixed guess. An ECS
# blue/green deployment is Succeeded only after the original tasks are terminated, so its length is: the
# time to start and register the replacement tasks (a margin), the ready wait (when the group waits for a
# manual reroute), the traffic shift of the deployment configuration, and the termination wait.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/deployment-budget.sh --application NAME --deployment-group NAME
         [--startup-minutes 20] [--max-job-minutes 360] [--job-overhead-minutes 20]
Reads the group (get-deployment-group) and its deployment configuration (get-deployment-config) and writes
($GITHUB_OUTPUT in Actions, otherwise stdout):
  watch_timeout_seconds  the watcher's --timeout: startup + ready wait + traffic shift + termination wait
  job_timeout_minutes    the deploy job's timeout: the watch plus the overhead (set-up, a rollback to follow)
When that job would pass --max-job-minutes (GitHub-hosted runners end a job after 6 hours), the watch is cut
to fit: the watcher leaves a deployment whose traffic has fully shifted to finish its termination wait on its
own. A group whose traffic cannot even finish shifting within the limit is refused.
USAGE
}

application='' group='' startup=20 max_job=360 overhead=20
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --application) application=${2:?--application needs a value}; shift 2 ;;
    --deployment-group) group=${2:?--deployment-group needs a value}; shift 2 ;;
    --startup-minutes) startup=${2:?--startup-minutes needs a value}; shift 2 ;;
    --max-job-minutes) max_job=${2:?--max-job-minutes needs a value}; shift 2 ;;
    --job-overhead-minutes) overhead=${2:?--job-overhead-minutes needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n $application && -n $group ]] || { usage >&2; exit 2; }
for value in "$startup" "$max_job" "$overhead"; do
  [[ $value =~ ^[0-9]{1,5}$ ]] || fatal "minutes must be whole numbers, got '$value'"
done
require_cmd aws jq
pipeline_region

group_info=$(aws deploy get-deployment-group --application-name "$application" --deployment-group-name "$group" \
  --query deploymentGroupInfo --output json) || fatal "cannot read deployment group $application/$group"
config_name=$(jq -r '.deploymentConfigName // empty' <<<"$group_info")
[ -n "$config_name" ] || fatal "deployment group $application/$group names no deployment configuration"
routing=$(aws deploy get-deployment-config --deployment-config-name "$config_name" \
  --query deploymentConfigInfo.trafficRoutingConfig --output json) ||
  fatal "cannot read deployment configuration $config_name"

# Traffic shift in minutes ("Deployment configurations on an Amazon ECS compute platform", CodeDeploy User
# Guide): AllAtOnce moves everything at once; TimeBasedCanary moves canaryPercentage, then the rest after
# canaryInterval minutes; TimeBasedLinear moves linearPercentage every linearInterval minutes. Linear counts
# one interval per step, the last included, so the bound is never short.
shift_minutes=$(jq -r '
  if .type == "TimeBasedCanary" then .timeBasedCanary.canaryInterval
  elif .type == "TimeBasedLinear" then
    (100 / .timeBasedLinear.linearPercentage | ceil) * .timeBasedLinear.linearInterval
  elif .type == "AllAtOnce" or .type == null then 0
  else error("unknown traffic routing type \(.type)") end' <<<"$routing") ||
  fatal "cannot read the traffic routing of $config_name: $routing"

# BlueGreenDeploymentConfiguration (CodeDeploy API Reference): with actionOnTimeout STOP_DEPLOYMENT the
# deployment waits up to waitTimeInMinutes for a manual reroute (CONTINUE_DEPLOYMENT does not wait); with
# action TERMINATE the original tasks are kept terminationWaitTimeInMinutes after the shift (KEEP_ALIVE: the
# deployment does not wait for them).
ready_minutes=$(jq -r '.blueGreenDeploymentConfiguration.deploymentReadyOption as $o
  | if $o.actionOnTimeout == "STOP_DEPLOYMENT" then ($o.waitTimeInMinutes // 0) else 0 end' <<<"$group_info")
termination_minutes=$(jq -r '.blueGreenDeploymentConfiguration.terminateBlueInstancesOnDeploymentSuccess as $t
  | if ($t.action // "TERMINATE") == "TERMINATE" then ($t.terminationWaitTimeInMinutes // 0) else 0 end' <<<"$group_info")

until_shifted=$((startup + ready_minutes + shift_minutes))
watch=$((until_shifted + termination_minutes))
log "$config_name: start-up margin ${startup} min + ready wait ${ready_minutes} min + traffic shift ${shift_minutes} min + termination wait ${termination_minutes} min = ${watch} min"
if [ $((until_shifted + overhead)) -gt "$max_job" ]; then
  fatal "$application/$group needs ${until_shifted} min before its traffic has shifted, more than a ${max_job}-min job can watch; shorten the ready wait or pick a faster deployment configuration"
fi
if [ $((watch + overhead)) -gt "$max_job" ]; then
  watch=$((max_job - overhead))
  log "the job limit (${max_job} min) cuts the watch to ${watch} min: the termination wait is left to CodeDeploy once traffic has shifted"
fi
set_output watch_timeout_seconds $((watch * 60))
set_output job_timeout_minutes $((watch + overhead))
