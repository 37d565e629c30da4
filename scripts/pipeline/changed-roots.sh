#!/usr/bin/env bash
# The Plan workflow's first question: which Terraform roots does this pull request touch? A root is touched by a
# change to its own directory, to a file it links (terraform/shared/*.tf through symlinks), to a module it uses
# (source = "../modules/..."), recursively, and to terraform/config.tfvars, which terraform-root.sh passes to
# every root. All of this is read from the tree, so a new root, link or module needs no change here.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/changed-roots.sh [--base REV]
The changed paths come from `git diff --name-only REV HEAD` with --base (in the Plan workflow REV is HEAD^1:
a pull request is checked out as a merge commit whose first parent is the base branch), else from stdin, one
path a line, relative to the directory holding terraform/. Roots are the directories under terraform/ with an
S3 backend (the bootstrap keeps a local state and is applied by hand).
Output ($GITHUB_OUTPUT in Actions, otherwise stdout): roots=NAME NAME... (space-separated, '' when none).
Environment: TERRAFORM_DIR  directory holding the roots (default: terraform/ of this repository)
USAGE
}

base=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --base) base=${2:?--base needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done

terraform_dir=$(cd "${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}" 2>/dev/null && pwd) ||
  fatal "no Terraform directory at ${TERRAFORM_DIR:-$(pipeline_repo_root)/terraform}"
top=$(dirname "$terraform_dir")

if [ -n "$base" ]; then
  require_cmd git
  changed=$(git -C "$top" diff --name-only "$base" HEAD) || fatal "git diff $base HEAD failed (is $base fetched?)"
else
  changed=$(cat)
fi

# relative PATH: PATH (resolved, links followed) relative to $top; empty when it lies outside.
relative() {
  local resolved
  resolved=$(realpath -m "$1")
  case "$resolved" in "$top"/*) printf '%s\n' "${resolved#"$top"/}" ;; esac
}

# What a directory's code is made of: itself, the targets of its symlinks, and the local modules it calls
# (recursively). Printed one path a line, relative to $top.
declare -A visited=()
dependencies() {
  local dir=$1 link source
  [ -z "${visited[$dir]:-}" ] || return 0
  visited[$dir]=1
  relative "$dir"
  while IFS= read -r -d '' link; do
    relative "$(dirname "$link")/$(readlink "$link")"
  done < <(find "$dir" -maxdepth 1 -type l -print0)
  while IFS= read -r source; do
    dependencies "$(realpath -m "$dir/$source")"
  done < <(sed -n 's/^[[:space:]]*source[[:space:]]*=[[:space:]]*"\(\.\{1,2\}\/[^"]*\)".*/\1/p' "$dir"/*.tf 2>/dev/null)
}

roots=()
for dir in "$terraform_dir"/*/; do
  dir=${dir%/}
  grep -qs '^[[:space:]]*backend[[:space:]]*"s3"' "$dir"/*.tf || continue
  visited=()
  touched=false
  while IFS= read -r dependency; do
    [ -n "$dependency" ] || continue
    while IFS= read -r path; do
      case "$path" in "$dependency" | "$dependency"/*) touched=true; break 2 ;; esac
    done <<<"$changed"
  done < <(dependencies "$dir"; relative "$terraform_dir/config.tfvars")
  if [ "$touched" = true ]; then roots+=("$(basename "$dir")"); fi
done

if [ ${#roots[@]} -gt 0 ]; then
  log "roots touched: ${roots[*]}"
  summary "### Terraform roots this pull request touches: $(printf "\`%s\` " "${roots[@]}")" ""
else
  log "no Terraform root is touched"
  summary "### No Terraform root is touched by this pull request: nothing to plan"
fi
set_output roots "${roots[*]}"
