#!/usr/bin/env bash
# The AppSpec CodeDeploy needs for an ECS blue/green deployment: which task definition to roll out and which
# container and port the load balancer's target groups send traffic to.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/render-appspec.sh --task-definition-arn ARN [--container-name NAME] [--container-port PORT]
Prints the AppSpec (YAML, CodeDeploy's documented layout) for an AWS::ECS::Service target.
Defaults: --container-name app, --container-port 3000 (the task root's container_name/container_port).
USAGE
}

task_definition_arn='' container_name=app container_port=3000
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --task-definition-arn) task_definition_arn=${2:?--task-definition-arn needs a value}; shift 2 ;;
    --container-name) container_name=${2:?--container-name needs a value}; shift 2 ;;
    --container-port) container_port=${2:?--container-port needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$task_definition_arn" ] || { usage >&2; exit 2; }
[[ $task_definition_arn =~ ^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$ ]] ||
  fatal "'$task_definition_arn' is not a task definition ARN"
[[ $container_name =~ ^[A-Za-z0-9_-]{1,255}$ ]] || fatal "'$container_name' is not a container name"
[[ $container_port =~ ^[0-9]{1,5}$ && $container_port -ge 1 && $container_port -le 65535 ]] ||
  fatal "'$container_port' is not a port"
# Every value was validated above, so plain substitution cannot produce anything but this document.
# The layout follows CodeDeploy's documented ECS example (version 0.0, one TargetService).
cat <<APPSPEC
version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "$task_definition_arn"
        LoadBalancerInfo:
          ContainerName: "$container_name"
          ContainerPort: $container_port
APPSPEC
