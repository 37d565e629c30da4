#!/usr/bin/env bash
# The image tag is a hash of everything the image is built from, so an unchanged build needs no new image:
# Deploy skips the build when ECR already holds this tag, and the task definition (which pins the image by
# digest) stays the same, so no deployment happens either. "Everything" includes the base images by digest
# and the build platform: a base image's security fix (same tag, new digest) or a switch of cpu_architecture
# gives a new tag, so the image is rebuilt.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/pipeline/lib/base-images.sh
source "$(dirname "$0")/lib/base-images.sh"

# What the Dockerfile copies into the image, plus the build files themselves. Keep in step with the Dockerfile.
IMAGE_INPUTS=(Dockerfile .dockerignore Package.swift Sources nginx scripts/entrypoint.sh scripts/entrypoint.d)

usage() {
  cat <<USAGE
Usage: scripts/pipeline/image-tag.sh [--source-dir DIR]
Outputs (\$GITHUB_OUTPUT in Actions, otherwise stdout, key=value):
  image_tag    "src-" and the first 20 hex digits of a SHA-256 over the path, the executable bit and the
               content of every file under: ${IMAGE_INPUTS[*]}
               (missing ones are skipped), the build platform, and each base image by digest
  base_images  NAME=IMAGE@sha256:... for each build argument a FROM of the Dockerfile uses (its default
               image, resolved for the platform), space-separated: ensure-image.sh --base-images builds with it
DIR defaults to the repository root.
Environment:
  DOCKER_BUILD_PLATFORM  linux/amd64 or linux/arm64 (required; build-platform.sh derives it)
Resolving a digest asks the registry: docker buildx imagetools inspect --raw IMAGE (an image index), and
takes the manifest of the platform. An image that cannot be resolved fails the step: no tag without it.
USAGE
}

source_dir=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --source-dir) source_dir=${2:?--source-dir needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
source_dir=${source_dir:-$(pipeline_repo_root)}
[ -d "$source_dir" ] || fatal "no directory $source_dir"
require_cmd sha256sum find sort
platform=$(build_platform)
cd "$source_dir"

# resolve IMAGE: IMAGE (without any digest it had) @ the digest of its manifest for $platform.
resolve() {
  local image=$1 raw err digest
  err=$(mktemp)
  if ! raw=$(docker buildx imagetools inspect --raw "$image" 2>"$err"); then
    error "$(<"$err")"
    rm -f "$err"
    fatal "cannot resolve the base image $image for $platform (no registry answer): no image tag without its digest"
  fi
  rm -f "$err"
  # An image index lists one manifest per platform (and attestations, platform unknown/unknown); arm64's
  # variant is v8 or absent.
  digest=$(jq -r --arg os "${platform%%/*}" --arg arch "${platform#*/}" '
    [(.manifests // [])[] | select(.platform.os == $os and .platform.architecture == $arch
      and ((.platform.variant // "v8") == "v8" or $arch != "arm64"))][0].digest // empty' <<<"$raw") ||
    fatal "the registry's answer for $image is not an image index (JSON)"
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] ||
    fatal "the base image $image has no $platform manifest in an image index (a single-platform image, or another architecture): cannot pin it for $platform"
  printf '%s@%s\n' "$(image_without_digest "$image")" "$digest"
}

# NAME=IMAGE@digest per base image, in the Dockerfile's order.
# (Assignments, not process substitutions: a failure must stop the script.)
defaults=$(dockerfile_base_images Dockerfile)
base_images=()
if [ -n "$defaults" ]; then
  require_cmd docker jq
  while IFS= read -r entry; do
    pinned=$(resolve "${entry#*=}")
    base_images+=("${entry%%=*}=$pinned")
  done <<<"$defaults"
fi

present=()
for input in "${IMAGE_INPUTS[@]}"; do
  [ -e "$input" ] && present+=("$input")
done
[ ${#present[@]} -gt 0 ] || fatal "none of the image inputs exist under $source_dir"

# One line per file: mode, content hash, path. LC_ALL=C makes the order the same on every machine.
# Build output some tools leave inside Sources/ is not an input.
# The platform and the base images come first, then the files.
digest=$(
  {
    printf 'platform %s\n' "$platform"
    for entry in "${base_images[@]}"; do printf 'base %s\n' "$entry"; done
    find "${present[@]}" -type f ! -path '*/.build/*' -print0 | LC_ALL=C sort -z |
      while IFS= read -r -d '' file; do
        if [ -x "$file" ]; then mode=755; else mode=644; fi
        printf '%s %s %s\n' "$mode" "$(sha256sum <"$file" | cut -d' ' -f1)" "$file"
      done
  } | sha256sum | cut -c1-20
)
tag=src-$digest
for entry in "${base_images[@]}"; do log "base image ${entry%%=*}: ${entry#*=}"; done
log "image inputs for $platform hash to $tag"
set_output image_tag "$tag"
set_output base_images "${base_images[*]}"
