#!/usr/bin/env bash
# The image tag is a hash of everything the image is built from, so an unchanged build needs no new image:
# Deploy skips the build when ECR already holds this tag, and the task definition (which pins the image by
# digest) stays the same, so no deployment happens either.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# What the Dockerfile copies into the image, plus the build files themselves. Keep in step with the Dockerfile.
IMAGE_INPUTS=(Dockerfile .dockerignore Package.swift Sources nginx scripts/entrypoint.sh scripts/entrypoint.d)

usage() {
  cat <<USAGE
Usage: scripts/pipeline/image-tag.sh [--source-dir DIR]
Prints the image tag (output image_tag: \$GITHUB_OUTPUT in Actions, otherwise stdout as image_tag=TAG):
"src-" and the first 20 hex digits of a SHA-256 over the path, the executable bit and the content of every
file under: ${IMAGE_INPUTS[*]}
(missing ones are skipped). DIR defaults to the repository root.
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
cd "$source_dir"

present=()
for input in "${IMAGE_INPUTS[@]}"; do
  [ -e "$input" ] && present+=("$input")
done
[ ${#present[@]} -gt 0 ] || fatal "none of the image inputs exist under $source_dir"

# One line per file: mode, content hash, path. LC_ALL=C makes the order the same on every machine.
# Build output some tools leave inside Sources/ is not an input.
digest=$(
  find "${present[@]}" -type f ! -path '*/.build/*' -print0 | LC_ALL=C sort -z |
    while IFS= read -r -d '' file; do
      if [ -x "$file" ]; then mode=755; else mode=644; fi
      printf '%s %s %s\n' "$mode" "$(sha256sum <"$file" | cut -d' ' -f1)" "$file"
    done | sha256sum | cut -c1-20
)
tag=src-$digest
log "image inputs hash to $tag"
set_output image_tag "$tag"
