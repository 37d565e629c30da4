#!/usr/bin/env bash
# One Terraform root, the same way in every workflow and locally: init against the S3 backend with that root's
# state key, then apply, destroy or read outputs with terraform/config.tfvars.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/terraform-root.sh COMMAND ROOT [LOCK_ID | TEXT_FILE]
  COMMAND  init | apply | plan | speculative-plan | destroy | output | force-unlock
           apply    init, then apply with -var-file=terraform/config.tfvars (no prompt)
           plan     init, then plan (changes nothing); prints the resources the plan would change as a
                    JSON array of "ADDRESS (ACTIONS)" on stdout ([] when none)
           speculative-plan  like plan, but without the state lock (-lock=false), and the plan as text
                    (terraform show) written to TEXT_FILE: a pull request's plan, by a role that may not
                    write the lock file, of a plan nobody applies
           destroy  init, then destroy; a root whose state is empty (never applied or already destroyed)
                    is skipped, so Destroy can be re-run after a partial failure; a state that cannot be
                    read fails (exit 1)
           output   init, then print the root's outputs as one JSON object {"name": value, ...} on stdout
                    ({} when the root has no state)
           force-unlock  init, then remove the state lock LOCK_ID (the command a stale lock's message gives)
           Before apply and destroy, a state lock older than TF_STALE_LOCK_MINUTES fails at once with the
           force-unlock command to run; a younger one is waited for (TF_LOCK_TIMEOUT). Nothing is unlocked
           unless asked.
  ROOT     a directory under terraform/ (ecr, task, service, network)
Environment:
  AWS_REGION         region of the state bucket; must be aws_region of terraform/config.tfvars (the default)
  TF_STATE_BUCKET    state bucket created by the bootstrap root
                     (default: fargate-auto-scaled-backend-tfstate-$AWS_ACCOUNT_ID)
  AWS_ACCOUNT_ID     used only for the default TF_STATE_BUCKET
  TF_BACKEND_CONFIG  a backend settings file to use instead of the generated one (e.g. for an emulator);
                     its bucket is the state bucket unless TF_STATE_BUCKET says otherwise
  TF_VAR_state_bucket is set to the state bucket for the roots that read other roots' states.
  TF_VAR_<name>      root inputs, e.g. TF_VAR_image_uri for the task root
  TERRAFORM_DIR      directory holding the roots (default: terraform/ of this repository)
  TF_LOCK_TIMEOUT    how long apply and destroy wait for a state lock (default 5m)
  TF_STALE_LOCK_MINUTES
                     age from which a lock is stale (default 60: twice the 30-min limit of the Terraform job)
USAGE
}

case "${1:-}" in -h | --help) usage; exit 0 ;; esac
command=${1:-} root=${2:-} lock_id=${3:-}
case "$command:$#" in
  init:2 | apply:2 | plan:2 | destroy:2 | output:2 | force-unlock:3 | speculative-plan:3) ;;
  *) usage >&2; exit 2 ;;
esac
case "$root" in '' | */* | .*) fatal "ROOT must be a plain directory name under terraform/, got '$root'" ;; esac
lock_timeout=${TF_LOCK_TIMEOUT:-5m} stale_minutes=${TF_STALE_LOCK_MINUTES:-60}
[[ $lock_timeout =~ ^[0-9]+[sm]$ ]] || fatal "TF_LOCK_TIMEOUT must be like 30s or 5m, got '$lock_timeout'"
[[ $stale_minutes =~ ^[0-9]+$ ]] || fatal "TF_STALE_LOCK_MINUTES must be whole minutes, got '$stale_minutes'"

require_cmd terraform jq
terraform_dir=${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}
root_dir=$terraform_dir/$root
[ -d "$root_dir" ] || fatal "no Terraform root at $root_dir"
var_file=$terraform_dir/config.tfvars
[ -f "$var_file" ] || fatal "missing shared settings $var_file"
pipeline_region

export TF_IN_AUTOMATION=1 TF_INPUT=0

# The state bucket: from TF_STATE_BUCKET, else from the backend file given, else the default name.
bucket=${TF_STATE_BUCKET:-}
backend_file=${TF_BACKEND_CONFIG:-}
if [ -n "$backend_file" ]; then
  [ -f "$backend_file" ] || fatal "backend settings file $backend_file does not exist"
  backend_file=$(cd "$(dirname "$backend_file")" && pwd)/$(basename "$backend_file")
  [ -n "$bucket" ] || bucket=$(sed -n 's/^[[:space:]]*bucket[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$backend_file")
fi
if [ -z "$bucket" ]; then
  require_env AWS_ACCOUNT_ID
  bucket=fargate-auto-scaled-backend-tfstate-$AWS_ACCOUNT_ID
fi
# The service and network roots read other roots' states from the same bucket (terraform_remote_state).
export TF_VAR_state_bucket=${TF_VAR_state_bucket:-$bucket}

# The generated backend file holds no secret (bucket, region, locking); it lives in the root's .terraform.
if [ -z "$backend_file" ]; then
  mkdir -p "$root_dir/.terraform"
  backend_file=$root_dir/.terraform/pipeline-backend.hcl
  printf 'bucket       = "%s"\nregion       = "%s"\nencrypt      = true\nuse_lockfile = true\n' \
    "$bucket" "$AWS_REGION" >"$backend_file"
fi

tf() { terraform -chdir="$root_dir" "$@"; }

# The resources a saved plan would change, as a JSON array of "ADDRESS (ACTIONS)" ([] when none).
plan_changes() {
  tf show -json "$1" | jq -c '[.resource_changes[]? | select(.change.actions != ["no-op"] and .change.actions != ["read"])
    | "\(.address) (\(.change.actions | join("+")))"]'
}

# The job summary of an apply: the root's outputs (single values; never sensitive ones), e.g. the task root's
# task definition revision, the network root's invoke URL.
summarize_outputs() {
  local rows
  rows=$(tf output -json | jq -r 'to_entries[] | select(.value.sensitive | not)
    | select(.value.value | type == "string" or type == "number" or type == "boolean")
    | "| \(.key) | `\(.value.value)` |"') || rows=''
  summary "### Terraform \`$root\`: applied" ""
  [ -z "$rows" ] || summary "| Output | Value |" "| --- | --- |" "$rows" ""
}

# S3-native locking (use_lockfile) keeps the lock as the object <key>.tflock holding Terraform's lock info
# (ID, Who, Operation, Created). A job cancelled or timed out while holding it leaves it behind, and every
# later run would wait TF_LOCK_TIMEOUT and fail. A lock older than any job can run is stale: say so at once,
# with the exact command to remove it. Never remove it here: a person must decide that nothing holds it.
check_stale_lock() {
  local lock created age
  require_cmd aws
  lock=$(mktemp)
  if ! aws s3api get-object --bucket "$bucket" --key "$root.tfstate.tflock" "$lock" >/dev/null 2>"$lock.err"; then
    if grep -q 'NoSuchKey\|Not Found\|404' "$lock.err"; then
      rm -f "$lock" "$lock.err"
      return 0
    fi
    cat "$lock.err" >&2
    rm -f "$lock" "$lock.err"
    fatal "cannot read the state lock s3://$bucket/$root.tfstate.tflock"
  fi
  rm -f "$lock.err"
  created=$(jq -r '.Created // empty' "$lock") || created=''
  age=$(( ($(date -u +%s) - $(date -u -d "${created:-now}" +%s 2>/dev/null || date -u +%s)) / 60 ))
  if [ "$age" -ge "$stale_minutes" ]; then
    error "the state of $root is locked since $created (${age} min, longer than any job runs): $(jq -c '{ID, Who, Operation}' "$lock")"
    error "if no Terraform run holds it (a cancelled or timed-out job), remove it with:"
    error "  scripts/pipeline/terraform-root.sh force-unlock $root $(jq -r .ID "$lock")"
    summary "- **Terraform \`$root\`**: not run — its state is locked since $created; if no run holds it:" \
      "  \`scripts/pipeline/terraform-root.sh force-unlock $root $(jq -r .ID "$lock")\`"
    rm -f "$lock"
    exit 1
  fi
  log "the state of $root is locked since $created by $(jq -r '.Who // "unknown"' "$lock"); waiting up to $lock_timeout"
  rm -f "$lock"
}

# Before the bootstrap (or with the wrong bucket) terraform init fails with an S3 error that does not say
# what to do; a push before Init gets this instead. ListObjectsV2 needs s3:ListBucket, which the deploy role
# has (HeadBucket needs the same on AWS, but the emulator checks it as a nonexistent s3:HeadBucket).
require_cmd aws
if ! aws_call _ s3api list-objects-v2 --bucket "$bucket" --prefix "$root.tfstate" --max-keys 1 --output json; then
  case "$AWS_STDERR" in
    *404* | *NotFound* | *"Not Found"* | *NoSuchBucket*)
      fatal "the state bucket $bucket does not exist: apply terraform/bootstrap once (README, CI/CD: One-time setup), set TF_STATE_BUCKET if you named it otherwise, then run the Init workflow first" ;;
    *) fatal "cannot reach the state bucket $bucket: $AWS_STDERR" ;;
  esac
fi

log "init $root (state key $root.tfstate)"
# stdout of init is progress chatter: keep it off stdout so `output` prints only JSON.
# -lockfile=readonly: the root's committed .terraform.lock.hcl decides the provider version and its checksums;
# init fails when the package does not match them (or the lock lacks a provider) and never rewrites the file
# (Terraform's "Dependency Lock File" page: checksum verification).
tf init -input=false -reconfigure -lockfile=readonly -backend-config="$backend_file" \
  -backend-config="key=$root.tfstate" >&2

case "$command" in
  init) ;;
  apply)
    check_stale_lock
    log "apply $root"
    if ! tf apply -input=false -auto-approve -lock-timeout="$lock_timeout" -var-file="$var_file" >&2; then
      summary "### Terraform \`$root\`: apply failed (the job log has Terraform's error)"
      exit 1
    fi
    summarize_outputs
    ;;
  plan)
    log "plan $root"
    plan_file=$root_dir/.terraform/pipeline.tfplan
    tf plan -input=false -lock-timeout="$lock_timeout" -var-file="$var_file" -out="$plan_file" >&2
    plan_changes "$plan_file"
    rm -f "$plan_file"
    ;;
  speculative-plan)
    text_file=$lock_id
    log "plan $root without the state lock (speculative: never applied)"
    plan_file=$root_dir/.terraform/pipeline.tfplan
    # -lock=false: the S3 lock is an object the plan would write (<key>.tflock), which a read-only role may not;
    # and a plan nobody applies needs no protection from a concurrent apply (at worst it shows a state one
    # apply old), while taking the lock would make Deploy's apply wait for a pull request.
    tf plan -input=false -lock=false -var-file="$var_file" -out="$plan_file" >&2
    tf show -no-color "$plan_file" >"$text_file"
    plan_changes "$plan_file"
    rm -f "$plan_file"
    ;;
  destroy)
    # Only a state that was read and lists nothing is an empty root. A failed read (denied, throttled, timed
    # out) must stop Destroy here: reading it as empty would go on to destroy the roots this one depends on
    # (network, task, ECR) under a service that still runs.
    # `state pull` prints an empty state (exit 0) for a root never applied; `state list` would fail there.
    if ! state=$(tf state pull) || ! resources=$(jq -e '.resources | length' <<<"$state"); then
      summary "- **Terraform \`$root\`**: failed — its state cannot be read; nothing was destroyed"
      fatal "cannot read the state of $root (terraform state pull failed, see above); nothing was destroyed. Fix the access to the state bucket and run Destroy again"
    fi
    if [ "$resources" -eq 0 ]; then
      log "$root has no resources in its state: nothing to destroy"
      summary "- **Terraform \`$root\`**: skipped — its state is empty (never applied, or already destroyed)"
      exit 0
    fi
    check_stale_lock
    log "destroy $root"
    if ! tf destroy -input=false -auto-approve -lock-timeout="$lock_timeout" -var-file="$var_file" >&2; then
      summary "- **Terraform \`$root\`**: destroy failed (the job log has Terraform's error)"
      exit 1
    fi
    summary "- **Terraform \`$root\`**: destroyed ($resources resources)"
    ;;
  output)
    tf output -json | jq -c 'map_values(.value)'
    ;;
  force-unlock)
    log "removing lock $lock_id of $root (asked for)"
    tf force-unlock -force "$lock_id" >&2
    ;;
esac
