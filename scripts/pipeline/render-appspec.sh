#!/usr/bin/env bash
# The AppSpec CodeDeploy needs for an ECS blue/green deployment: which task definition to roll out, which
# container and port the load balancer's target groups send traffic to and, optionally, the tasks' network
# configuration (a CODE_DEPLOY service takes network changes only through a deployment).
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/render-appspec.sh --task-definition-arn ARN [--container-name NAME] [--container-port PORT]
         [--subnets ID,ID... --security-groups ID,ID...]
Prints the AppSpec (YAML, CodeDeploy's documented layout) for an AWS::ECS::Service target.
Defaults: --container-name app, --container-port 3000 (the task root's container_name/container_port).
--subnets and --security-groups (together; the service root's task_subnet_ids and tasks_security_group_id)
add NetworkConfiguration with no public IP; without them the deployment keeps the service's current one.
USAGE
}

task_definition_arn='' container_name=app container_port=3000 subnets='' security_groups='' network=false
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --task-definition-arn) task_definition_arn=${2:?--task-definition-arn needs a value}; shift 2 ;;
    --container-name) container_name=${2:?--container-name needs a value}; shift 2 ;;
    --container-port) container_port=${2:?--container-port needs a value}; shift 2 ;;
    --subnets) subnets=${2?--subnets needs a value}; network=true; shift 2 ;;
    --security-groups) security_groups=${2?--security-groups needs a value}; network=true; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$task_definition_arn" ] || { usage >&2; exit 2; }
[[ $task_definition_arn =~ ^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$ ]] ||
  fatal "'$task_definition_arn' is not a task definition ARN"
[[ $container_name =~ ^[A-Za-z0-9_-]{1,255}$ ]] || fatal "'$container_name' is not a container name"
[[ $container_port =~ ^[0-9]{1,5}$ && $container_port -ge 1 && $container_port -le 65535 ]] ||
  fatal "'$container_port' is not a port"
# AwsVpcConfiguration: at most 16 subnets and 5 security groups. Without groups ECS would use the VPC's
# default group, so the two come together.
if [ "$network" = true ]; then
  [[ $subnets =~ ^subnet-[0-9a-f]{8,17}(,subnet-[0-9a-f]{8,17}){0,15}$ ]] ||
    fatal "'$subnets' is not a comma-separated list of 1-16 subnet IDs"
  [[ $security_groups =~ ^sg-[0-9a-f]{8,17}(,sg-[0-9a-f]{8,17}){0,4}$ ]] ||
    fatal "'$security_groups' is not a comma-separated list of 1-5 security group IDs"
fi
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
if [ "$network" = true ]; then
  # IDs are [a-z0-9-] only (checked above), so quoting each one is enough for a YAML flow sequence.
  cat <<APPSPEC
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: ["${subnets//,/\", \"}"]
            SecurityGroups: ["${security_groups//,/\", \"}"]
            AssignPublicIp: "DISABLED"
APPSPEC
fi
