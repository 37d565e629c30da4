#!/usr/bin/env bash
# Makes sure ECR holds the image for a tag: skips the build when the tag is already there (its inputs did not
# change), otherwise builds the image from the repository and pushes it. Either way it prints the image
# reference by digest, which is what the task definition pins. It builds exactly what image-tag.sh hashed: the
# base images by the digests it resolved (--base-images) and the same DOCKER_BUILD_PLATFORM.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/pipeline/lib/base-images.sh
source "$(dirname "$0")/lib/base-images.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/ensure-image.sh --repository-url URL --tag TAG [--base-images LIST] [--source-dir DIR]
  URL   the ECR repository (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME), the ecr root's repository_url
  TAG   from image-tag.sh (image_tag)
  LIST  from image-tag.sh (base_images): NAME=IMAGE@sha256:... per base image, space-separated, passed to the
        build as --build-arg; it must pin every base image the Dockerfile's FROM lines use, each the
        Dockerfile's default image (so the build uses what the tag hashed)
  DIR   build context with the Dockerfile (default: the repository root)
Outputs ($GITHUB_OUTPUT in Actions, otherwise stdout, key=value):
  image_uri  URL@sha256:...   (the digest ECR reports for TAG)
  built      true when this run built and pushed the image, false when ECR already had TAG
Environment:
  DOCKER_BUILD_PLATFORM  linux/amd64 or linux/arm64 (required for a build; build-platform.sh derives it
                         from the task root's cpu_architecture), the same value image-tag.sh hashed
USAGE
}

repository_url='' tag='' source_dir='' base_images=''
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --repository-url) [ $# -ge 2 ] || { usage >&2; exit 2; }; repository_url=$2; shift 2 ;;
    --tag) tag=${2:?--tag needs a value}; shift 2 ;;
    --source-dir) source_dir=${2:?--source-dir needs a value}; shift 2 ;;
    --base-images) [ $# -ge 2 ] || { usage >&2; exit 2; }; base_images=$2; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$tag" ] || { usage >&2; exit 2; }
# Deploy reads the URL from the ecr root's outputs; none means the stack was never created.
[ -n "$repository_url" ] || fatal "no repository URL: the ecr root has no outputs (run the Init workflow first)"
[[ $repository_url =~ ^([^/]+)/([a-z0-9][a-z0-9._/-]*)$ ]] ||
  fatal "repository URL '$repository_url' is not REGISTRY/NAME"
registry=${BASH_REMATCH[1]} repository_name=${BASH_REMATCH[2]}
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fatal "'$tag' is not a valid image tag"
source_dir=${source_dir:-$(pipeline_repo_root)}
require_cmd aws
pipeline_region

# Prints the digest ECR has for the tag, or nothing when the tag is not there. Other errors stop the script.
ecr_digest() {
  local answer
  if aws_call answer ecr describe-images --repository-name "$repository_name" --image-ids "imageTag=$tag" \
    --query 'imageDetails[0].imageDigest' --output text; then
    [ "$answer" = None ] || printf '%s\n' "$answer"
  else
    case "$AWS_STDERR" in
      *ImageNotFoundException*) ;;
      *) fatal "describe-images failed: $AWS_STDERR" ;;
    esac
  fi
}

# pinned_build_args DOCKERFILE: one `--build-arg` / `NAME=IMAGE@sha256:...` pair of lines per base image, after
# checking that --base-images pins exactly the Dockerfile's base images, each its default image by digest.
pinned_build_args() {
  local expected entry name image default
  local -A given=()
  for entry in $base_images; do
    [[ $entry =~ ^([A-Za-z_][A-Za-z0-9_]*)=([^[:space:]@]+)@sha256:[0-9a-f]{64}$ ]] ||
      fatal "--base-images: '$entry' is not NAME=IMAGE@sha256:<64 hex digits> (image-tag.sh's base_images)"
    given[${BASH_REMATCH[1]}]=${entry#*=}
  done
  expected=$(dockerfile_base_images "$1")
  while IFS= read -r entry; do
    [ -n "$entry" ] || continue
    name=${entry%%=*} default=$(image_without_digest "${entry#*=}")
    image=${given[$name]:-}
    [ -n "$image" ] || fatal "--base-images does not pin $name ($default): pass image-tag.sh's base_images"
    [ "$(image_without_digest "$image")" = "$default" ] ||
      fatal "--base-images pins $name to $image, but the Dockerfile's $name is $default (run image-tag.sh again)"
    unset "given[$name]"
    printf -- '--build-arg\n%s=%s\n' "$name" "$image"
  done <<<"$expected"
  [ ${#given[@]} -eq 0 ] || fatal "--base-images names ${!given[*]}, which no FROM of the Dockerfile uses"
}

built=false
digest=$(ecr_digest)
if [ -n "$digest" ]; then
  log "ECR already has $repository_name:$tag ($digest): no build"
else
  require_cmd docker
  [ -f "$source_dir/Dockerfile" ] || fatal "no Dockerfile in $source_dir"
  platform=$(build_platform)
  pairs=$(pinned_build_args "$source_dir/Dockerfile")
  build_args=()
  [ -z "$pairs" ] || mapfile -t build_args <<<"$pairs"
  log "building $repository_url:$tag for $platform"
  docker build --platform "$platform" "${build_args[@]}" \
    --label "org.opencontainers.image.revision=${GITHUB_SHA:-local}" \
    --tag "$repository_url:$tag" "$source_dir" >&2
  log "logging in to $registry"
  aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" >&2
  docker push "$repository_url:$tag" >&2
  built=true
  digest=$(ecr_digest)
  [ -n "$digest" ] || fatal "pushed $repository_url:$tag but ECR does not list it"
fi

set_output image_uri "$repository_url@$digest"
set_output built "$built"
if [ "$built" = true ]; then
  summary "- **Image**: \`$repository_url@$digest\` — built and pushed by this run (tag \`$tag\`)"
else
  summary "- **Image**: \`$repository_url@$digest\` — reused: ECR already had tag \`$tag\` (its inputs did not change)"
fi
