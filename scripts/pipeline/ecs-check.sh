#!/usr/bin/env bash
# Init's and Deploy's first question: does the ECS service exist, and which task definition does it run?
# The names come from the service root's outputs, so a renamed service in Terraform needs no change here.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/ecs-check.sh [--cluster NAME --service NAME]
Looks the ECS service up and writes these outputs ($GITHUB_OUTPUT in Actions, otherwise stdout, key=value):
  service_exists                    true when the service exists and is ACTIVE, else false
  task_definition_arn               the task definition the service runs now ('' when it does not exist)
  cluster_name, service_name        the names that were checked
  codedeploy_app_name, codedeploy_deployment_group_name
                                    from the service root's outputs ('' when given --cluster/--service)
  task_subnet_ids, tasks_security_group_id
                                    the tasks' network settings from the service root's outputs (subnets
                                    comma-separated; '' when given --cluster/--service): a CODE_DEPLOY service
                                    takes network changes only through a deployment's AppSpec
Without --cluster/--service the names are read from the service root's Terraform outputs (through
terraform-root.sh output service, with its environment); no state there means no service.
USAGE
}

cluster='' service=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --cluster) cluster=${2:?--cluster needs a value}; shift 2 ;;
    --service) service=${2:?--service needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
{ [ -n "$cluster" ] && [ -n "$service" ]; } || { [ -z "$cluster" ] && [ -z "$service" ]; } ||
  fatal "give both --cluster and --service, or neither"

require_cmd aws jq
pipeline_region
app_name='' group_name='' subnet_ids='' security_group_id=''
if [ -z "$cluster" ]; then
  outputs=$("$(dirname "$0")/terraform-root.sh" output service)
  cluster=$(jq -r '.cluster_name // empty' <<<"$outputs")
  service=$(jq -r '.service_name // empty' <<<"$outputs")
  app_name=$(jq -r '.codedeploy_app_name // empty' <<<"$outputs")
  group_name=$(jq -r '.codedeploy_deployment_group_name // empty' <<<"$outputs")
  subnet_ids=$(jq -r '(.task_subnet_ids // []) | join(",")' <<<"$outputs")
  security_group_id=$(jq -r '.tasks_security_group_id // empty' <<<"$outputs")
fi

exists=false task_definition_arn=''
if [ -z "$cluster" ] || [ -z "$service" ]; then
  log "the service root has no state: no service"
else
  # describe-services answers a missing cluster with an error and a missing service with a failure entry;
  # both mean "no service". Any other error (credentials, throttling) must stop the pipeline, not read as
  # "missing" and send Init on to create a second stack.
  if ! aws_call described ecs describe-services --cluster "$cluster" --services "$service" --output json; then
    case "$AWS_STDERR" in
      *ClusterNotFoundException*) described='{"services":[]}' ;;
      *) fatal "describe-services failed: $AWS_STDERR" ;;
    esac
  fi
  status=$(jq -r '.services[0].status // "MISSING"' <<<"$described")
  if [ "$status" = ACTIVE ]; then
    exists=true
    task_definition_arn=$(jq -r '.services[0].taskDefinition // empty' <<<"$described")
    log "service $cluster/$service is ACTIVE and runs $task_definition_arn"
  else
    log "service $cluster/$service: $status"
  fi
fi

set_output service_exists "$exists"
set_output task_definition_arn "$task_definition_arn"
set_output cluster_name "$cluster"
set_output service_name "$service"
set_output codedeploy_app_name "$app_name"
set_output codedeploy_deployment_group_name "$group_name"
set_output task_subnet_ids "$subnet_ids"
set_output tasks_security_group_id "$security_group_id"
