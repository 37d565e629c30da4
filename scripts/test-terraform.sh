#!/usr/bin/env bash
# Tests the Terraform roots offline: formatting, validation, mock-provider `terraform test` per root, checkov,
# and (unless --static) the apply/plan/destroy integration test against the local AWS emulator.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test-terraform.sh [--static] [-h|--help]
  1. terraform fmt -check -recursive terraform
  2. per root and per shared module (terraform/modules/*): terraform init -backend=false, validate, test
     (tests/*.tftest.hcl, mocked AWS provider)
  3. checkov --skip-download on terraform/ (every skipped check carries its reason inline)
  4. pytest Tests/terraform: apply bootstrap + ecr, task, service, network to the AWS emulator with the S3
     backend, check the resources through the AWS API, re-plan (no changes), destroy in the Destroy order
  --static  stop after step 3 (no emulator)
Runs on a copy of terraform/ in a temporary directory, so the working tree gets no .terraform/. Each root is
initialised with its committed .terraform.lock.hcl, read-only: a provider whose checksum differs fails.
The roots share terraform/shared/settings.tf and versions.tf through symbolic links (one copy of each).
Environment:
  TF_PLUGIN_MIRROR  filesystem mirror holding hashicorp/aws (default /opt/tf-plugins)
  TOOLS_VENV        virtualenv with checkov (default ~/.cache/fargate-auto-scaled-backend/tools)
  PYTHON            interpreter with pytest, boto3 and moto (default python3)
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

static=false
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --static) static=true ;;
    *) usage >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
roots=(bootstrap ecr task service network)
mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
venv=${TOOLS_VENV:-$HOME/.cache/fargate-auto-scaled-backend/tools}
python=${PYTHON:-python3}

command -v terraform >/dev/null 2>&1 || fatal "terraform is not on PATH (Terraform >= 1.11 is needed)"
[ -d "$mirror/registry.terraform.io/hashicorp/aws" ] || fatal "no hashicorp/aws provider in the mirror $mirror"
[ -x "$venv/bin/checkov" ] || fatal "checkov not found in $venv (run scripts/install-deps.sh test)"

work=$(mktemp -d "${TMPDIR:-/tmp}/test-terraform.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Offline provider installation: only the mirror, never the registry.
cat >"$work/terraform.tfrc" <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
CONFIG
export TF_CLI_CONFIG_FILE=$work/terraform.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

log "terraform fmt -check -recursive terraform"
terraform fmt -check -recursive -diff "$repo/terraform" >&2 || fatal "run: terraform fmt -recursive terraform"

cp -R "$repo/terraform" "$work/terraform"
find "$work/terraform" \( -name .terraform -o -name '*_override.tf' -o -name '*.tfstate*' \) \
  -prune -exec rm -rf {} +

for root in "${roots[@]}"; do
  dir=$work/terraform/$root
  log "$root: init -backend=false, validate, test"
  terraform -chdir="$dir" init -backend=false -input=false -lockfile=readonly -no-color >"$work/init-$root.log" 2>&1 ||
    { cat "$work/init-$root.log" >&2; fatal "$root: terraform init failed"; }
  terraform -chdir="$dir" validate -no-color >&2 || fatal "$root: terraform validate failed"
  terraform -chdir="$dir" test -no-color >"$work/test-$root.log" 2>&1 ||
    { cat "$work/test-$root.log" >&2; fatal "$root: terraform test failed"; }
  grep -E '^(Success|Failure)!' "$work/test-$root.log" | sed "s/^/  $root: /" >&2
done

# Shared modules (terraform/modules/*) have their own tests.
for dir in "$work"/terraform/modules/*/; do
  module=modules/$(basename "$dir")
  log "$module: init -backend=false, validate, test"
  terraform -chdir="$dir" init -backend=false -input=false -no-color >"$work/init-${module//\//-}.log" 2>&1 ||
    { cat "$work/init-${module//\//-}.log" >&2; fatal "$module: terraform init failed"; }
  terraform -chdir="$dir" validate -no-color >&2 || fatal "$module: terraform validate failed"
  terraform -chdir="$dir" test -no-color >"$work/test-${module//\//-}.log" 2>&1 ||
    { cat "$work/test-${module//\//-}.log" >&2; fatal "$module: terraform test failed"; }
  grep -E '^(Success|Failure)!' "$work/test-${module//\//-}.log" | sed "s|^|  $module: |" >&2
done

log "checkov --skip-download on terraform/"
# The copy has .terraform/ dirs; scan the repository's own files.
"$venv/bin/checkov" --skip-download --quiet --compact --framework terraform -d "$repo/terraform" \
  --skip-path '\.terraform' >"$work/checkov.log" 2>&1 ||
  { cat "$work/checkov.log" >&2; fatal "checkov found failed checks in terraform/"; }
grep -E '^Passed checks' "$work/checkov.log" | sed 's/^/  /' >&2 || true

if [ "$static" = true ]; then
  log "static checks passed (--static: emulator integration test skipped)"
  exit 0
fi

log "integration: apply, re-plan and destroy against the AWS emulator"
"$python" -c 'import boto3, moto, pytest' 2>/dev/null || fatal "$python lacks boto3/moto/pytest (run scripts/install-deps.sh test)"
cd "$repo"
"$python" -m pytest -q -p no:cacheprovider Tests/terraform
log "all Terraform tests passed"
