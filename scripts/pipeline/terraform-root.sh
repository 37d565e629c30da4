#!/usr/bin/env bash
# One Terraform root, the same way in every workflow and locally: init against the S3 backend with that root's
# state key, then apply, destroy or read outputs with terraform/config.tfvars.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/terraform-root.sh COMMAND ROOT
  COMMAND  init | apply | destroy | output
           apply    init, then apply with -var-file=terraform/config.tfvars (no prompt)
           destroy  init, then destroy; a root whose state is empty (never applied or already destroyed)
                    is skipped, so Destroy can be re-run after a partial failure; a state that cannot be
                    read fails (exit 1)
           output   init, then print the root's outputs as one JSON object {"name": value, ...} on stdout
                    ({} when the root has no state)
  ROOT     a directory under terraform/ (ecr, task, service, network)
Environment:
  AWS_REGION         region of the state bucket (required unless TF_BACKEND_CONFIG is given)
  TF_STATE_BUCKET    state bucket created by the bootstrap root
                     (default: fargate-auto-scaled-backend-tfstate-$AWS_ACCOUNT_ID)
  AWS_ACCOUNT_ID     used only for the default TF_STATE_BUCKET
  TF_BACKEND_CONFIG  a backend settings file to use instead of the generated one (e.g. for an emulator);
                     its bucket is the state bucket unless TF_STATE_BUCKET says otherwise
  TF_VAR_state_bucket is set to the state bucket for the roots that read other roots' states.
  TF_VAR_<name>      root inputs, e.g. TF_VAR_image_uri for the task root
  TERRAFORM_DIR      directory holding the roots (default: terraform/ of this repository)
USAGE
}

case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -eq 2 ] || { usage >&2; exit 2; }
command=$1 root=$2
case "$command" in init | apply | destroy | output) ;; *) usage >&2; exit 2 ;; esac
case "$root" in '' | */* | .*) fatal "ROOT must be a plain directory name under terraform/, got '$root'" ;; esac

require_cmd terraform jq
terraform_dir=${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}
root_dir=$terraform_dir/$root
[ -d "$root_dir" ] || fatal "no Terraform root at $root_dir"
var_file=$terraform_dir/config.tfvars
[ -f "$var_file" ] || fatal "missing shared settings $var_file"

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
  require_env AWS_REGION
  mkdir -p "$root_dir/.terraform"
  backend_file=$root_dir/.terraform/pipeline-backend.hcl
  printf 'bucket       = "%s"\nregion       = "%s"\nencrypt      = true\nuse_lockfile = true\n' \
    "$bucket" "$AWS_REGION" >"$backend_file"
fi

tf() { terraform -chdir="$root_dir" "$@"; }

log "init $root (state key $root.tfstate)"
# stdout of init is progress chatter: keep it off stdout so `output` prints only JSON.
tf init -input=false -reconfigure -backend-config="$backend_file" -backend-config="key=$root.tfstate" >&2

case "$command" in
  init) ;;
  apply)
    log "apply $root"
    tf apply -input=false -auto-approve -lock-timeout=5m -var-file="$var_file" >&2
    ;;
  destroy)
    # Only a state that was read and lists nothing is an empty root. A failed read (denied, throttled, timed
    # out) must stop Destroy here: reading it as empty would go on to destroy the roots this one depends on
    # (network, task, ECR) under a service that still runs.
    # `state pull` prints an empty state (exit 0) for a root never applied; `state list` would fail there.
    if ! state=$(tf state pull) || ! resources=$(jq -e '.resources | length' <<<"$state"); then
      fatal "cannot read the state of $root (terraform state pull failed, see above); nothing was destroyed. Fix the access to the state bucket and run Destroy again"
    fi
    if [ "$resources" -eq 0 ]; then
      log "$root has no resources in its state: nothing to destroy"
      exit 0
    fi
    log "destroy $root"
    tf destroy -input=false -auto-approve -lock-timeout=5m -var-file="$var_file" >&2
    ;;
  output)
    tf output -json | jq -c 'map_values(.value)'
    ;;
esac
