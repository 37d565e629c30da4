#!/usr/bin/env bash
# The image must run on the CPU architecture the task definition declares: the task root's cpu_architecture
# (X86_64 or ARM64). Terraform evaluates it, from the same inputs terraform-root.sh applies the root with
# (terraform/config.tfvars, the root's own *.tfvars, TF_VAR_cpu_architecture), with the root's own validation;
# nothing here reads HCL. The answer picks the Docker platform and a runner of that architecture, so the image
# is built natively (a Swift build under QEMU emulation takes far too long).
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/build-platform.sh
Evaluates the task root's cpu_architecture with Terraform (terraform init with a local backend and
`terraform console`, in a scratch copy: no AWS, no state, nothing written to the working tree) and prints
($GITHUB_OUTPUT in Actions, otherwise stdout, key=value):
  cpu_architecture  X86_64 or ARM64
  docker_platform   linux/amd64 or linux/arm64 (DOCKER_BUILD_PLATFORM of image-tag.sh and ensure-image.sh)
  runner            the GitHub-hosted runner of that architecture: ubuntu-24.04, or ARM64_RUNNER
An invalid value fails with the root's own validation error.
Environment:
  TERRAFORM_DIR     directory holding the roots (default: terraform/ of this repository)
  TF_VAR_cpu_architecture
                    as terraform-root.sh would apply it (overrides the tfvars files)
  ARM64_RUNNER      runner label for ARM64 builds (default ubuntu-24.04-arm, GitHub's standard arm64 runner
                    for public repositories; a private repository may need a larger or self-hosted runner)
  TF_CLI_CONFIG_FILE  as for every Terraform command (e.g. a provider mirror)
USAGE
}

case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -eq 0 ] || { usage >&2; exit 2; }

require_cmd terraform tar
terraform_dir=${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}
root_dir=$terraform_dir/task
var_file=$terraform_dir/config.tfvars
[ -d "$root_dir" ] || fatal "no task root at $root_dir"
[ -f "$var_file" ] || fatal "missing shared settings $var_file"
var_file=$(cd "$(dirname "$var_file")" && pwd)/$(basename "$var_file")

work=$(mktemp -d "${TMPDIR:-/tmp}/build-platform.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The root as terraform-root.sh applies it (shared files dereferenced, its own .tfvars and overrides kept),
# without its working directory (.terraform: a backend, installed providers) or its tests.
mkdir "$work/task"
(cd "$root_dir" && tar -ch --exclude=./.terraform --exclude=./tests .) | tar -x -C "$work/task"
# A local backend: evaluating a variable needs no state, and so no AWS.
printf 'terraform {\n  backend "local" {}\n}\n' >"$work/task/zz_build_platform_override.tf"
unset TF_DATA_DIR TF_WORKSPACE
export TF_IN_AUTOMATION=1 TF_INPUT=0

tf() { terraform -chdir="$work/task" "$@"; }
# -lockfile=readonly: the committed lock file decides the provider, as everywhere else.
tf init -input=false -lockfile=readonly -no-color >"$work/init.log" 2>&1 ||
  { cat "$work/init.log" >&2; fatal "terraform init of a copy of the task root failed"; }
# `terraform console` reports an invalid variable (the root's validation) on stderr and still exits 0.
status=0
answer=$(printf 'var.cpu_architecture\n' | tf console -no-color -var-file="$var_file" 2>"$work/console.err") ||
  status=$?
if [ "$status" -ne 0 ] || grep -q 'Error:' "$work/console.err"; then
  cat "$work/console.err" >&2
  fatal "terraform cannot evaluate the task root's cpu_architecture (see its error above)"
fi
answer=${answer#\"} answer=${answer%\"}

# ECS API reference, "RuntimePlatform": cpuArchitecture is X86_64 or ARM64, and ARM64 runs Linux containers on
# an ARM-based platform (Fargate included), so the image must be linux/arm64 there and linux/amd64 otherwise.
case "$answer" in
  X86_64) docker_platform=linux/amd64 runner=ubuntu-24.04 ;;
  ARM64) docker_platform=linux/arm64 runner=${ARM64_RUNNER:-ubuntu-24.04-arm} ;;
  *) fatal "the task root's cpu_architecture is '$answer'; this script knows X86_64 and ARM64" ;;
esac
log "task root cpu_architecture $answer: build for $docker_platform on $runner"
set_output cpu_architecture "$answer"
set_output docker_platform "$docker_platform"
set_output runner "$runner"
