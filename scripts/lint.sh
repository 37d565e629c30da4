#!/usr/bin/env bash
# Runs every linter the project uses over the files git tracks, collects the failures and reports them once,
# so one broken area does not hide the others.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/lint.sh
Runs shellcheck, swift-format (strict), yamllint, actionlint, zizmor (offline), ruff (check and format,
ruff.toml), hadolint, checkov (--skip-download) and terraform fmt. The Python linters come from TOOLS_VENV (see scripts/install-deps.sh).
USAGE
}
[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && { usage; exit 0; }

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"
# shellcheck source=scripts/lib/check.sh
source "$(dirname "$0")/lib/check.sh"

cd "$(dirname "$0")/.."
venv=${TOOLS_VENV:-$HOME/.cache/fargate-auto-scaled-backend/tools}
export PATH="/opt/swift/usr/bin:$PATH:$venv/bin"

failed=()

mapfile -t shell_files < <({ git ls-files '*.sh'; echo .ci/run; } | sort -u)
check shellcheck shellcheck "${shell_files[@]}"

check swift-format swift-format lint --strict --recursive Package.swift Sources Tests

check yamllint yamllint --strict -c .yamllint.yml .

if [ -d .github/workflows ]; then
  check actionlint actionlint
  check zizmor zizmor --offline --quiet .github
fi

check ruff ruff check .
check ruff-format ruff format --check .

check hadolint hadolint Dockerfile

# checkov reads its skip justifications from inline comments next to each resource. One run per framework:
# given directories and files together it scans the directories only.
check checkov-terraform checkov --quiet --compact --skip-download --directory terraform --framework terraform
check checkov-dockerfile checkov --quiet --compact --skip-download --file Dockerfile --framework dockerfile
check checkov-actions checkov --quiet --compact --skip-download --directory .github --framework github_actions

check terraform-fmt terraform fmt -check -recursive terraform

if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
log "all linters passed"
