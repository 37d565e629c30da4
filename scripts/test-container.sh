#!/usr/bin/env bash
# Builds the real image on a real Docker engine and tests it: the task definition the task root renders,
# run the way Fargate runs it (Tests/container/fargate.py); the HTTP contract, non-root + read-only,
# drain on docker stop, exit when the app dies, refusal of a bad BASE_PATH, CPU quota accuracy of the
# stress endpoint, both docker-compose profiles, hadolint. Without a registry the base images are built
# locally first (scripts/build-base-images.sh) and passed as build arguments.
# Prints, without asserting: image size, start-to-healthy time, and whether a one-line change in Sources
# rebuilds without redoing the dependency layers.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test-container.sh [--help] [PYTEST_ARGS...]
Starts a Docker engine if none answers, builds base images offline (unless SWIFT_IMAGE and RUNTIME_IMAGE
are set), runs hadolint, builds the image and runs Tests/container against it. PYTEST_ARGS go to pytest
(e.g. -k compose).
Environment:
  SWIFT_IMAGE, RUNTIME_IMAGE  base images to build with (default: local ones from build-base-images.sh
                              where it can run, else the Dockerfile's public defaults)
  CONTAINER_TEST_TAG          tag of the image under test (default: fargate-auto-scaled-backend:container-test)
  CONTAINER_TEST_REBUILD_PROBE  0 skips the rebuild-reuse measurement (one extra Swift compile) (default: 1)
  TOOLS_VENV                  virtualenv with hadolint (default: ~/.cache/fargate-auto-scaled-backend/tools)
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac

cd "$(dirname "$0")/.."
venv=${TOOLS_VENV:-$HOME/.cache/fargate-auto-scaled-backend/tools}
export PATH="$PATH:$venv/bin"
tag=${CONTAINER_TEST_TAG:-fargate-auto-scaled-backend:container-test}
probe_tag=$tag-rebuild-probe
work=$(mktemp -d /tmp/test-container.XXXXXX)
report=$work/measurements.jsonl
began=$SECONDS

# Whatever a test leaves behind (it should not): containers of ours are named fcgiapp-test-* and compose
# projects fcgiapptest*.
cleanup() {
  local leftovers
  leftovers=$(docker ps -aq --filter name=fcgiapp-test- --filter name=fcgiapptest 2>/dev/null || true)
  if [ -n "$leftovers" ]; then
    log "removing leftover test containers"
    # shellcheck disable=SC2086  # one id per word
    docker rm -f -v $leftovers >/dev/null 2>&1 || true
  fi
  docker image rm "$probe_tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# terraform: the Fargate test plans terraform/task offline to read the task definition it would register.
for tool in docker docker-compose python3 hadolint terraform; do
  command -v "$tool" >/dev/null 2>&1 || fatal "$tool not found (scripts/install-deps.sh test installs it)"
done

scripts/start-docker-engine.sh
# Base images: given ones, else local stand-ins when this machine can build them (a Swift toolchain,
# debootstrap, root), else the public defaults, which the engine pulls.
if [ -z "${SWIFT_IMAGE:-}" ] || [ -z "${RUNTIME_IMAGE:-}" ]; then
  if command -v debootstrap >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] &&
    { [ -n "${SWIFT_TOOLCHAIN:-}" ] || [ -x /opt/swift/usr/bin/swift-frontend ] || command -v swift-frontend >/dev/null 2>&1; }; then
    eval "$(scripts/build-base-images.sh)"
  else
    log "cannot build local base images here (needs root, debootstrap, a Swift toolchain): using the public ones"
    SWIFT_IMAGE=$(sed -n 's/^ARG SWIFT_IMAGE=//p' Dockerfile)
    RUNTIME_IMAGE=$(sed -n 's/^ARG RUNTIME_IMAGE=//p' Dockerfile)
  fi
fi
log "base images: SWIFT_IMAGE=$SWIFT_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE"

failed=()

log "hadolint Dockerfile"
hadolint Dockerfile || failed+=(hadolint)

build_args=(
  --build-arg "SWIFT_IMAGE=$SWIFT_IMAGE"
  --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE"
  --build-arg VERSION=container-test
  --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  --build-arg SOURCE_URL=https://example.invalid/fargate-auto-scaled-backend
)

# Builds target $1 of the Dockerfile as tag $2, then removes the image the tag pointed to before (left
# untagged otherwise; removal fails harmlessly while something still uses it).
build_tagged() {
  local target=$1 image_tag=$2 previous
  previous=$(docker image inspect --format '{{.Id}}' "$image_tag" 2>/dev/null || true)
  if ! docker build --force-rm "${build_args[@]}" --target "$target" -t "$image_tag" . >"$work/build-$target.log" 2>&1; then
    tail -n 40 "$work/build-$target.log" >&2
    fatal "docker build --target $target failed"
  fi
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$image_tag")" ]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
  fi
}

log "docker build -t $tag"
build_started=$SECONDS
# The build stage gets a tag of its own so that it, the layer cache of the next run, is replaced rather
# than piling up (and holding on to superseded base images) as an untagged image.
build_tagged build "$tag-build-stage"
build_tagged runtime "$tag"
build_seconds=$((SECONDS - build_started))

log "pytest Tests/container"
pytest_rc=0
CONTAINER_TEST_IMAGE=$tag CONTAINER_TEST_REPORT=$report \
  python3 -m pytest -p no:cacheprovider -v Tests/container "$@" || pytest_rc=$?
[ "$pytest_rc" -eq 0 ] || failed+=(pytest)

# One-line change in Sources, rebuilt from a copy of the context (the working tree stays untouched):
# the dependency layers (apt, swift package resolve) must come from the cache.
rebuild_result="not measured (CONTAINER_TEST_REBUILD_PROBE=0)"
if [ "${CONTAINER_TEST_REBUILD_PROBE:-1}" != 0 ]; then
  log "rebuild probe: one-line change in Sources"
  context=$work/context
  mkdir -p "$context/scripts" "$context/Tests"
  cp -a Dockerfile .dockerignore Package.swift Sources nginx "$context/"
  [ ! -f Package.resolved ] || cp -a Package.resolved "$context/"
  cp -a scripts/entrypoint.sh scripts/entrypoint.d "$context/scripts/"
  # .dockerignore keeps only the Tests/<Target>/ directories.
  find Tests -mindepth 1 -maxdepth 1 -type d -exec mkdir -p "$context/{}" \;
  changed=$(find "$context/Sources" -name '*.swift' | sort | head -n 1)
  printf '// rebuild probe %s\n' "$(date +%s)" >>"$changed"
  rebuild_started=$SECONDS
  # A new commit also changes REVISION, so the probe does too.
  if docker build --force-rm "${build_args[@]}" --build-arg "REVISION=rebuild-probe-$(date +%s)" \
    -t "$probe_tag" "$context" >"$work/rebuild.log" 2>&1; then
    rebuild_seconds=$((SECONDS - rebuild_started))
    # Legacy builder output: "Step N/M : RUN ..." then " ---> Using cache" when the layer is reused.
    cached() {
      awk -v pattern="$1" '$0 ~ "^Step .*" pattern { getline; print ($0 ~ /Using cache/) ? "yes" : "no"; exit }' \
        "$work/rebuild.log"
    }
    build_apt_cached=$(cached 'install -y --no-install-recommends libfcgi-dev')
    resolve_cached=$(cached 'swift package resolve')
    build_cached=$(cached 'RUN swift build')
    runtime_apt_cached=$(cached 'install -y --no-install-recommends nginx-light')
    # The probe's build stage is an untagged image of its own; the real build's stays as the cache.
    probe_build_stage=$(awk '/^Step .*RUN swift build/ { found = 1 } found && /^ ---> [0-9a-f]+$/ { print $2; exit }' \
      "$work/rebuild.log")
    if [ -n "$probe_build_stage" ] && [ "$build_cached" = no ]; then
      docker image rm "$probe_build_stage" >/dev/null 2>&1 || true
    fi
    if [ -z "$resolve_cached" ]; then
      rebuild_result="unknown (no legacy-builder step lines; ${rebuild_seconds}s)"
    else
      rebuild_result="reused: build packages $build_apt_cached, swift package resolve $resolve_cached, runtime packages $runtime_apt_cached; swift build re-ran: $([ "$build_cached" = no ] && echo yes || echo no); ${rebuild_seconds}s"
    fi
  else
    tail -n 20 "$work/rebuild.log" >&2
    rebuild_result="rebuild failed"
  fi
fi

measurement() {
  python3 - "$report" "$1" <<'PY' 2>/dev/null || echo "n/a"
import json, sys
values = [json.loads(line) for line in open(sys.argv[1])]
print(next((str(v["value"]) for v in values if v["name"] == sys.argv[2]), "n/a"))
PY
}

size_bytes=$(docker image inspect --format '{{.Size}}' "$tag")
# What a registry stores and ECS pulls is the gzipped layers; `docker save | gzip` approximates it.
compressed_bytes=$(docker save "$tag" | gzip -1 | wc -c)
{
  echo "---- container measurements (printed, not asserted) ----"
  printf 'image size:                  %s MB, about %s MB compressed (%s)\n' \
    "$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" \
    "$(awk -v b="$compressed_bytes" 'BEGIN { printf "%.0f", b / 1e6 }')" "$tag"
  printf 'start to healthy:            %s s\n' "$(measurement start_to_healthy_seconds)"
  printf 'docker stop with requests:   %s s\n' "$(measurement stop_seconds)"
  printf 'exit after app death:        %s s\n' "$(measurement exit_after_app_death_seconds)"
  printf 'stress 50%% of 0.5 CPU quota: %s %% of quota\n' "$(measurement stress_50_percent_of_quota)"
  printf 'Fargate-run task definition: healthy by its own check after %s s, stress 50%% = %s %% of task CPU, stop %s s\n' \
    "$(measurement fargate_task_healthy_seconds)" "$(measurement fargate_stress_50_percent_of_task_cpu)" \
    "$(measurement fargate_stop_seconds)"
  printf 'image build:                 %s s\n' "$build_seconds"
  printf 'rebuild after Sources edit:  %s\n' "$rebuild_result"
  printf 'total:                       %s s\n' "$((SECONDS - began))"
} >&2

if [ ${#failed[@]} -gt 0 ]; then
  fatal "failed: ${failed[*]}"
fi
log "all container tests passed"
