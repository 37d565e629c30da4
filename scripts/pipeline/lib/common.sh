#!/usr/bin/env bash
# Helpers shared by the pipeline scripts: logging to stderr, precondition checks, and step outputs that go to
# $GITHUB_OUTPUT inside GitHub Actions and to stdout everywhere else, so a script runs the same way locally.
# Source it; it defines functions only.

# log, error, fatal: the helpers of every script under scripts/ (lines prefixed with the step's name).
# shellcheck source=scripts/lib/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/log.sh"

# Fails with one message naming every missing variable, instead of stopping at the first.
require_env() {
  local name missing=()
  for name in "$@"; do
    [ -n "${!name:-}" ] || missing+=("$name")
  done
  [ ${#missing[@]} -eq 0 ] || fatal "missing environment: ${missing[*]}"
}

require_cmd() {
  local name missing=()
  for name in "$@"; do
    command -v "$name" >/dev/null 2>&1 || missing+=("$name")
  done
  [ ${#missing[@]} -eq 0 ] || fatal "missing commands: ${missing[*]}"
}

# set_output NAME VALUE: a step output. Values are single-line by construction (ARNs, tags, booleans, URLs).
set_output() {
  local name=$1 value=$2
  case "$value" in *$'\n'*) fatal "output $name must be a single line" ;; esac
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$name" "$value" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$name" "$value"
  fi
}

# summary LINE...: appends Markdown lines to the job summary GitHub shows on the run's page ($GITHUB_STEP_SUMMARY,
# one file per step). Outside Actions it does nothing. A summary is a report, never a reason to fail: a file that
# cannot be written is logged and the step goes on.
summary() {
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] || return 0
  printf '%s\n' "$@" 2>/dev/null >>"$GITHUB_STEP_SUMMARY" ||
    error "cannot write the job summary $GITHUB_STEP_SUMMARY; going on without it"
  return 0
}

# deployment_link ID: a Markdown link to the deployment in the CodeDeploy console of $AWS_REGION.
deployment_link() {
  local region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
  printf '[%s](https://%s.console.aws.amazon.com/codesuite/codedeploy/deployments/%s?region=%s)' \
    "$1" "$region" "$1" "$region"
}

# Root of the repository (two levels above this file), for scripts that read tracked files.
pipeline_repo_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
}

# The region has one source, terraform/config.tfvars (aws_region), which the Terraform roots deploy into.
# The AWS CLI and the state backend take AWS_REGION (the repository variable in Actions): unset, it is set
# from config.tfvars; set to anything else, the script stops, because the CLI would then look for the stack
# (and the backend for its state) in another region than Terraform creates it in.
pipeline_region() {
  local config=${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}/config.tfvars region
  [ -f "$config" ] || fatal "missing shared settings $config"
  region=$(sed -n 's/^[[:space:]]*aws_region[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$config")
  [ -n "$region" ] || fatal "$config sets no aws_region"
  if [ -n "${AWS_REGION:-}" ] && [ "$AWS_REGION" != "$region" ]; then
    fatal "AWS_REGION is $AWS_REGION but $config deploys to $region: set the repository variable AWS_REGION to $region (or change aws_region in config.tfvars)"
  fi
  export AWS_REGION=$region AWS_DEFAULT_REGION=$region
}

# aws_call NAME ARGS...: runs `aws ARGS` with its stdout in the variable NAME and its stderr apart in AWS_STDERR,
# so a warning the CLI prints (deprecations, a retried request) never corrupts the answer, and an error is
# matched on its own text. On success the warning is passed on to the log. Returns the CLI's status.
aws_call() {
  local name=$1 err out status=0
  shift
  err=$(mktemp)
  out=$(aws "$@" 2>"$err") || status=$?
  AWS_STDERR=$(<"$err")
  rm -f "$err"
  printf -v "$name" '%s' "$out"
  if [ "$status" -eq 0 ] && [ -n "$AWS_STDERR" ]; then printf '%s\n' "$AWS_STDERR" >&2; fi
  return "$status"
}
