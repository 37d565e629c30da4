#!/usr/bin/env bash
# The Plan workflow's second question: can this run assume the read-only plan role? GitHub issues no OIDC token
# to a workflow run of a pull request from a fork ("OpenID Connect", GitHub Docs: id-token: write cannot be
# granted to a fork's pull_request run), and a repository without the plan role has nothing to assume. Either
# way the pull request gets no plan, the summary says why, and the job passes: a contributor cannot fix it.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/plan-credentials.sh --role ROLE
  ROLE  the repository variable AWS_PLAN_ROLE (the bootstrap root's plan_role_arn output); may be empty
Output ($GITHUB_OUTPUT in Actions, otherwise stdout): available=true when this run has an OIDC token
(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, which GitHub sets only when the job may
request one) and a plan role is configured; otherwise false, with the reason in the job summary. Exit 0 both ways.
USAGE
}

role='' seen_role=false
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --role) [ $# -ge 2 ] || { usage >&2; exit 2; }; role=$2; seen_role=true; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ "$seen_role" = true ] || { usage >&2; exit 2; }

if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
  log "no OIDC token for this run (a pull request from a fork gets none): no plan"
  summary "### No Terraform plan: this run has no OIDC token" "" \
    "GitHub gives no OIDC token to a pull request from a fork, so it cannot assume the read-only plan role. A maintainer can push the branch to this repository to get the plan."
  set_output available false
elif [ -z "$role" ]; then
  log "no plan role configured (repository variable AWS_PLAN_ROLE): no plan"
  summary "### No Terraform plan: no plan role" "" \
    "Set the repository variable AWS_PLAN_ROLE to the bootstrap root's plan_role_arn output to plan pull requests."
  set_output available false
else
  set_output available true
fi
