#!/usr/bin/env bash
# Destroy's order: service -> network -> task -> ecr, each tolerant of a root that is already gone, so a
# failed Destroy can simply be run again. The ECR repository is emptied before its root is destroyed,
# because ECR refuses to delete a repository that still holds images. The task root keeps old task
# definition revisions registered (CodeDeploy rolls back to them); once the stack is going away there is
# nothing to roll back to, so Destroy deregisters every revision of the family after the task root.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

ORDER=(service network task ecr)

usage() {
  cat <<USAGE
Usage: scripts/pipeline/destroy.sh [ROOT...]
Destroys the given roots (default: all of ${ORDER[*]}), always in the order ${ORDER[*]},
with terraform-root.sh destroy (same environment). Before the ecr root it deletes every image in the
repository named by the root's repository_name output; after the task root it deregisters every
ACTIVE revision of the task definition family named by the root's task_definition_family output.
USAGE
}

requested=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) requested+=("$1"); shift ;;
  esac
done
[ ${#requested[@]} -gt 0 ] || requested=("${ORDER[@]}")
for root in "${requested[@]}"; do
  case " ${ORDER[*]} " in *" $root "*) ;; *) fatal "unknown root '$root' (expected some of: ${ORDER[*]})" ;; esac
done

here=$(dirname "$0")

# Deletes all images of the repository, in batches of 100 (BatchDeleteImage's limit). A missing repository is
# fine: it is what "already gone" looks like.
empty_repository() {
  local name=$1 ids answer
  require_cmd aws jq
  while :; do
    if ! aws_call answer ecr list-images --repository-name "$name" --max-items 100 --output json; then
      case "$AWS_STDERR" in
        *RepositoryNotFoundException*) log "repository $name is already gone"; return 0 ;;
        *) fatal "list-images $name failed: $AWS_STDERR" ;;
      esac
    fi
    ids=$(jq -c '[.imageIds[] | {imageDigest}] | unique' <<<"$answer")
    [ "$ids" != '[]' ] || return 0
    log "deleting $(jq length <<<"$ids") image(s) from $name"
    aws ecr batch-delete-image --repository-name "$name" --image-ids "$ids" --output json |
      jq -e '.failures | length == 0' >/dev/null || fatal "ECR did not delete every image of $name"
  done
}

# Deregisters every ACTIVE revision of exactly this family (list-task-definitions filters by prefix only).
deregister_family() {
  local family=$1 arns arn
  require_cmd aws jq
  arns=$(aws ecs list-task-definitions --family-prefix "$family" --status ACTIVE --output json |
    jq -r --arg family "$family" '.taskDefinitionArns[] | select(test(":task-definition/\($family):[0-9]+$"))') ||
    fatal "list-task-definitions $family failed"
  for arn in $arns; do
    aws ecs deregister-task-definition --task-definition "$arn" --output json >/dev/null ||
      fatal "could not deregister $arn"
  done
  log "deregistered $(wc -w <<<"$arns") revision(s) of $family"
}

for root in "${ORDER[@]}"; do
  case " ${requested[*]} " in *" $root "*) ;; *) continue ;; esac
  family=
  if [ "$root" = ecr ]; then
    repository_name=$("$here/terraform-root.sh" output ecr | jq -r '.repository_name // empty')
    [ -z "$repository_name" ] || empty_repository "$repository_name"
  fi
  if [ "$root" = task ]; then
    # image_uri is a required input of the task root but plays no part in destroying it; any well-formed
    # reference satisfies the variable's validation.
    export TF_VAR_image_uri=${TF_VAR_image_uri:-destroy.invalid/unused@sha256:$(printf '0%.0s' {1..64})}
    family=$("$here/terraform-root.sh" output task | jq -r '.task_definition_family // empty')
  fi
  "$here/terraform-root.sh" destroy "$root"
  [ -z "$family" ] || deregister_family "$family"
done
log "destroyed: ${requested[*]}"
