#!/usr/bin/env bash
# The image's base images and build platform, shared by image-tag.sh (which hashes them) and ensure-image.sh
# (which builds with exactly what was hashed). Source it after common.sh; it defines functions only.
#
# The Dockerfile owns the base images: every FROM names a global build argument (`ARG SWIFT_IMAGE=...` before
# the first FROM), and its default is the public image. Nothing here keeps a second list of them.

# build_platform: the Docker platform to build for, from DOCKER_BUILD_PLATFORM (build-platform.sh derives it
# from the task root's cpu_architecture; the two Fargate architectures only).
build_platform() {
  local platform=${DOCKER_BUILD_PLATFORM:-}
  [ -n "$platform" ] ||
    fatal "DOCKER_BUILD_PLATFORM is not set: scripts/pipeline/build-platform.sh gives it from the task root's cpu_architecture"
  case "$platform" in
    linux/amd64 | linux/arm64) printf '%s\n' "$platform" ;;
    *) fatal "DOCKER_BUILD_PLATFORM is '$platform': Fargate runs linux/amd64 (X86_64) or linux/arm64 (ARM64)" ;;
  esac
}

# dockerfile_base_images DOCKERFILE: prints NAME=IMAGE for every build argument a FROM line uses, IMAGE being
# the argument's default. A FROM that names an image directly, or an argument without a default, fails: its
# digest could not go into the tag nor be passed to the build. FROM scratch and earlier stages need nothing.
dockerfile_base_images() {
  local dockerfile=$1 line number=0 seen_from=false word image name
  local -A defaults=() stages=() used=()
  local order=() words=()
  [ -f "$dockerfile" ] || fatal "no Dockerfile at $dockerfile"
  while IFS= read -r line || [ -n "$line" ]; do
    number=$((number + 1))
    # Global ARGs: only those before the first FROM may be used in a FROM.
    if [ "$seen_from" = false ] && [[ $line =~ ^[[:space:]]*ARG[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      image=${BASH_REMATCH[2]}
      image=${image%%[[:space:]]*} image=${image#\"} image=${image%\"}
      defaults[${BASH_REMATCH[1]}]=$image
      continue
    fi
    [[ $line =~ ^[[:space:]]*FROM[[:space:]]+(.*)$ ]] || continue
    seen_from=true
    image=''
    # FROM [--platform=...] IMAGE [AS NAME]
    read -r -a words <<<"${BASH_REMATCH[1]}"
    for word in "${words[@]}"; do
      case "$word" in --*) continue ;; esac
      image=$word
      break
    done
    if [[ ${BASH_REMATCH[1]} =~ [[:space:]][Aa][Ss][[:space:]]+([A-Za-z0-9_.-]+) ]]; then
      stages[${BASH_REMATCH[1],,}]=1
    fi
    if [[ $image =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
      name=${BASH_REMATCH[1]}
      [ -n "${defaults[$name]:-}" ] ||
        fatal "$dockerfile line $number: FROM uses \$$name, which has no default (ARG $name=IMAGE before the first FROM)"
      if [ -z "${used[$name]:-}" ]; then
        used[$name]=1
        order+=("$name")
      fi
    elif [ "$image" = scratch ] || [ -n "${stages[${image,,}]:-}" ]; then
      continue
    else
      fatal "$dockerfile line $number: FROM $image names a base image directly; make it a build argument with a default (ARG NAME=$image before the first FROM), so its digest goes into the image tag"
    fi
  done <"$dockerfile"
  for name in "${order[@]}"; do
    printf '%s=%s\n' "$name" "${defaults[$name]}"
  done
}

# image_without_digest REF: REF without a trailing @sha256:... (a default may already name a digest).
image_without_digest() {
  printf '%s\n' "${1%@sha256:*}"
}
