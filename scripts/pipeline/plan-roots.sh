#!/usr/bin/env bash
# The Plan workflow's last step: each root a pull request touches, planned against its real state without the
# state lock (terraform-root.sh speculative-plan), as the job summary: the resource changes counted, and the
# plan's text in a collapsed block. Nothing is applied. The task root is planned with the image its state
# already pins, so its plan shows what the pull request changes, not an image Deploy would build.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# GitHub uploads a step summary of at most 1 MiB and drops a larger one whole ("Workflow commands for GitHub
# Actions", Adding a job summary; the runner reports "supports content up to a size of 1024k"). The plans share
# what is left after the headings.
SUMMARY_LIMIT=$((1024 * 1024))
HEADINGS_RESERVE=$((16 * 1024))
# A well-formed reference the task root's validation accepts, for a task root without a state (never applied).
PLACEHOLDER_IMAGE=plan.invalid/unused@sha256:$(printf '0%.0s' {1..64})

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/plan-roots.sh [--roots "ROOT ROOT..."] [ROOT...]
Plans each ROOT with terraform-root.sh speculative-plan (same environment; -lock=false, nothing applied) and
writes to the job summary ($GITHUB_STEP_SUMMARY) per root: the changes counted (add, change, destroy, replace)
and the `terraform show` text in a <details> block, the texts cut to fit GitHub's 1 MiB step summary (the job
log has them whole). The task root gets TF_VAR_image_uri from its state unless it is set.
Exits 1 when any plan fails (the others are still planned and summarized).
USAGE
}

roots=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --roots) read -ra listed <<<"${2-}"; roots+=("${listed[@]}"); shift 2 || { usage >&2; exit 2; } ;;
    -*) usage >&2; exit 2 ;;
    *) roots+=("$1"); shift ;;
  esac
done
[ ${#roots[@]} -gt 0 ] || { usage >&2; exit 2; }
require_cmd jq terraform
here=$(dirname "$0")
terraform_dir=${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
budget=$(((SUMMARY_LIMIT - HEADINGS_RESERVE) / ${#roots[@]}))

# The image the task root's state pins (its task definition's container), or nothing without a state.
state_image() {
  "$here/terraform-root.sh" init task >&2
  terraform -chdir="$terraform_dir/task" state pull | jq -r '
    [.resources[]? | select(.type == "aws_ecs_task_definition") | .instances[]?.attributes.container_definitions
     | fromjson | .[].image] | first // empty'
}

failed=()
for root in "${roots[@]}"; do
  env_args=()
  note=''
  if [ "$root" = task ] && [ -z "${TF_VAR_image_uri:-}" ]; then
    image=$(state_image) || fatal "cannot read the task root's state for its image"
    if [ -z "$image" ]; then
      image=$PLACEHOLDER_IMAGE
      note="The task root has no task definition in its state yet: planned with a placeholder image."
    fi
    log "task root: image_uri $image (from its state)"
    env_args=(TF_VAR_image_uri="$image")
  fi
  text=$work/$root.txt
  if ! changes=$(env "${env_args[@]}" "$here/terraform-root.sh" speculative-plan "$root" "$text"); then
    error "the plan of $root failed"
    summary "### Plan of \`$root\`: failed (the job log has Terraform's error)" ""
    failed+=("$root")
    continue
  fi
  counts=$(jq -r '
    def n(a): map(select(test("\\((" + a + ")\\)$"))) | length;
    "\(n("create")) to add, \(n("update")) to change, \(n("delete")) to destroy, \(n("delete\\+create|create\\+delete")) to replace"' \
    <<<"$changes")
  [ "$(jq length <<<"$changes")" -gt 0 ] || counts="no changes"
  log "plan of $root: $counts"
  size=$(wc -c <"$text")
  if [ "$size" -gt "$budget" ]; then
    # Cut at a line end, so no character or line is left half.
    head -c "$budget" "$text" | sed '$d' >"$text.cut"
    printf '\n... cut to %s of %s bytes to fit the job summary; the job log has the whole plan\n' \
      "$(wc -c <"$text.cut")" "$size" >>"$text.cut"
    mv "$text.cut" "$text"
  fi
  # Six backticks: a fence the plan's own text (heredocs, Markdown in descriptions) cannot close.
  summary "### Plan of \`$root\`: $counts" "" ${note:+"$note" ""} \
    "<details><summary>terraform show ($root)</summary>" "" '``````' "$(cat "$text")" '``````' "" "</details>" ""
  cat "$text" >&2
done
[ ${#failed[@]} -eq 0 ] || fatal "the plan failed for: ${failed[*]}"
