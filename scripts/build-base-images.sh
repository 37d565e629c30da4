#!/usr/bin/env bash
# Builds, without any image registry, the two base images the Dockerfile takes as build arguments:
#   - a Debian bookworm runtime base (debootstrap --variant=minbase, slimmed like debian:bookworm-slim,
#     then `docker import`), standing in for debian:bookworm-slim;
#   - a Swift build image: that base + the toolchain's system dependencies + only the parts of the local
#     toolchain (/opt/swift) that `swift build -c release --static-swift-stdlib` uses, stripped,
#     standing in for swift:<major.minor>-bookworm.
# An image whose inputs (this script, the suite and mirror, the toolchain version, the runtime base it was
# built on) have not changed is reused, so a second run takes seconds.
# Prints `export SWIFT_IMAGE=...` and `export RUNTIME_IMAGE=...` on stdout, for `eval "$(...)"`.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/build-base-images.sh [--force] [--help]
Builds local stand-ins for debian:bookworm-slim and swift:X.Y-bookworm (no registry needed) and prints
  export SWIFT_IMAGE=...
  export RUNTIME_IMAGE=...
so that `eval "$(scripts/build-base-images.sh)"` prepares `docker build --build-arg SWIFT_IMAGE=...` and
`docker-compose build` (which reads both variables).
  --force   rebuild both images even when their inputs are unchanged
Environment:
  SWIFT_TOOLCHAIN     toolchain root holding usr/bin/swift (default: /opt/swift, else the one on PATH)
  DEBIAN_SUITE        Debian release (default: bookworm)
  DEBIAN_MIRROR       Debian mirror for debootstrap and apt (default: http://deb.debian.org/debian)
  RUNTIME_BASE_IMAGE  tag of the runtime base (default: fcgiapp-local/debian:bookworm-slim)
  SWIFT_BASE_IMAGE    tag of the build image (default: fcgiapp-local/swift:X.Y-bookworm, X.Y from the toolchain)
Needs root (debootstrap), debootstrap, a running Docker engine (scripts/start-docker-engine.sh).
USAGE
}

# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/lib/log.sh"

force=false
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --force) force=true ;;
    *) usage >&2; exit 2 ;;
  esac
done

# The toolchain: SWIFT_TOOLCHAIN, else /opt/swift, else the one whose swift-frontend is on PATH.
toolchain_root=${SWIFT_TOOLCHAIN:-/opt/swift}
if [ -z "${SWIFT_TOOLCHAIN:-}" ] && [ ! -x "$toolchain_root/usr/bin/swift-frontend" ] &&
  frontend=$(command -v swift-frontend 2>/dev/null); then
  toolchain_root=$(dirname "$(dirname "$(dirname "$(readlink -f "$frontend")")")")
fi
toolchain=$toolchain_root/usr
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${mirror%/debian}/debian-security

[ -x "$toolchain/bin/swift-frontend" ] || fatal "no Swift toolchain at $toolchain (set SWIFT_TOOLCHAIN)"
docker info >/dev/null 2>&1 || fatal "no Docker engine answers (run scripts/start-docker-engine.sh)"

swift_version_line=$("$toolchain/bin/swift-frontend" --version 2>/dev/null | head -n 1)
swift_minor=$(printf '%s\n' "$swift_version_line" | sed -nE 's/.*Swift version ([0-9]+\.[0-9]+).*/\1/p')
[ -n "$swift_minor" ] || fatal "cannot read the Swift version from: $swift_version_line"

runtime_tag=${RUNTIME_BASE_IMAGE:-fcgiapp-local/debian:$suite-slim}
swift_tag=${SWIFT_BASE_IMAGE:-fcgiapp-local/swift:$swift_minor-$suite}
inputs_label=org.fcgiapp.base-image.inputs
script_hash=$(sha256sum "$0" | cut -c1-16)

work=$(mktemp -d /tmp/build-base-images.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Prints the inputs hash recorded on an image, or nothing when the image does not exist.
recorded_inputs() {
  docker image inspect --format "{{ index .Config.Labels \"$inputs_label\" }}" "$1" 2>/dev/null || true
}

# Whether image $1 exists with inputs hash $2 (and --force was not given).
is_current() {
  ! $force && [ "$(recorded_inputs "$1")" = "$2" ]
}

# ---------------------------------------------------------------------------------------------------
# Runtime base: debootstrap minbase, slimmed the way the official -slim images are.
# ---------------------------------------------------------------------------------------------------
build_runtime_base() {
  local inputs=$1 rootfs=$work/rootfs
  command -v debootstrap >/dev/null 2>&1 || fatal "debootstrap is not installed (apt-get install debootstrap)"
  [ "$(id -u)" -eq 0 ] || fatal "debootstrap needs root"
  log "debootstrap $suite from $mirror (about 30 s)"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; fatal "debootstrap failed"; }

  # Same sources as the official image (deb822), so `apt-get update` in a build sees updates and security.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

  # What debian:*-slim does: dpkg never installs docs, man pages or translations, and apt keeps no caches.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CLEAN'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CLEAN
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs/usr/share/man/"* "$rootfs/usr/share/info/"* "$rootfs/usr/share/locale/"* \
    "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"* "$rootfs/var/cache/debconf/"*-old \
    "$rootfs/var/log/"*.log "$rootfs/var/log/apt/"* "$rootfs/tmp/"* "$rootfs/root/.bash_history"
  : >"$rootfs/etc/machine-id"

  log "importing $runtime_tag"
  tar --numeric-owner -C "$rootfs" -c . |
    docker import \
      --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "LABEL $inputs_label=$inputs" \
      --message "debootstrap --variant=minbase $suite, slimmed (scripts/build-base-images.sh)" \
      - "$runtime_tag" >/dev/null
  rm -rf "$rootfs"
}

# ---------------------------------------------------------------------------------------------------
# Swift build image: only what `swift package resolve` and `swift build -c release --static-swift-stdlib`
# open (measured with strace on a package with a system-library target), installed under /usr like the
# official image. Left out: lldb, sourcekit-lsp, clangd, docc, swift-format, lld, the embedded and wasm
# stdlibs, sanitizer runtimes, macro plugins (lib/swift/host/plugins) and XCTest/Testing.
# ---------------------------------------------------------------------------------------------------
toolchain_paths=(
  bin/swift bin/swiftc bin/swift-driver bin/swift-frontend bin/swift-autolink-extract
  bin/swift-package bin/swift-build bin/swift-run bin/swift-help bin/clang bin/clang++ bin/clang-21
  lib/swift lib/swift_static lib/clang/21/include lib/libswiftDemangle.so
  libexec/swift share/swift share/pm
)
toolchain_excludes=(
  lib/swift/embedded lib/swift_static/embedded lib/swift/FrameworkABIBaseline lib/swift/migrator
  lib/swift/host/plugins lib/swift/wasi lib/swift_static/wasi lib/swift/android lib/swift_static/android
)

stage_toolchain() {
  local dest=$1 path file
  mkdir -p "$dest/usr"
  for path in "${toolchain_paths[@]}"; do
    [ -e "$toolchain/$path" ] || [ -L "$toolchain/$path" ] || fatal "toolchain has no $path"
    mkdir -p "$dest/usr/$(dirname "$path")"
    cp -a "$toolchain/$path" "$dest/usr/$path"
  done
  for path in "${toolchain_excludes[@]}"; do rm -rf "${dest:?}/usr/$path"; done
  # lib/swift{,_static}/clang are symlinks to ../clang/21, which keeps only its headers here.
  # Debug symbols are most of the toolchain's size; executables and shared objects run without them.
  # (Static archives and .swiftmodule files are left alone: the linker and compiler need them whole.)
  find "$dest/usr/bin" "$dest/usr/lib" "$dest/usr/libexec" -type f \( -perm -u+x -o -name '*.so' -o -name '*.so.*' \) \
    -not -name '*.py' -print0 |
    while IFS= read -r -d '' file; do
      # Scripts and other non-ELF files make strip fail; they are left as they are.
      if [ "$(head -c 4 "$file" | tail -c 3)" = ELF ]; then strip --strip-unneeded "$file" 2>/dev/null || true; fi
    done
}

build_swift_image() {
  local inputs=$1 context=$work/swift-context
  log "staging the toolchain subset from $toolchain"
  stage_toolchain "$context/toolchain"
  log "toolchain subset: $(du -sh "$context/toolchain" | cut -f1)"
  # The packages are the official swift:*-bookworm image's, minus lldb's (python, libedit):
  # binutils (ld.gold is the default linker), the C/C++ runtime headers and crt files the link step uses,
  # the shared libraries the toolchain executables load (curl, xml2, sqlite, ncurses, zstd), and git
  # with CA certificates, which `swift package resolve` needs as soon as the package has a dependency.
  cat >"$context/Dockerfile" <<'DOCKERFILE'
ARG RUNTIME_BASE
FROM ${RUNTIME_BASE}
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        binutils libc6-dev libgcc-12-dev libstdc++-12-dev \
        libcurl4 libxml2 libsqlite3-0 libncurses6 libzstd1 zlib1g tzdata git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY toolchain/ /
RUN swift --version
DOCKERFILE
  log "building $swift_tag"
  docker build --quiet --force-rm \
    --build-arg "RUNTIME_BASE=$runtime_tag" \
    --label "$inputs_label=$inputs" \
    --label "org.opencontainers.image.description=Swift $swift_minor build image from the local toolchain" \
    -t "$swift_tag" "$context" >/dev/null 2>"$work/swift-image.log" ||
    { tail -n 30 "$work/swift-image.log" >&2; fatal "building $swift_tag failed"; }
  rm -rf "$context"
}

# ---------------------------------------------------------------------------------------------------
# A rebuilt image leaves its predecessor untagged; remove it unless something still uses it.
remove_replaced() {
  local old_id=$1 tag=$2
  [ -n "$old_id" ] || return 0
  [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null)" ] || return 0
  docker image rm "$old_id" >/dev/null 2>&1 || true
}

old_runtime_id=$(docker image inspect --format '{{.Id}}' "$runtime_tag" 2>/dev/null || true)
old_swift_id=$(docker image inspect --format '{{.Id}}' "$swift_tag" 2>/dev/null || true)

runtime_inputs=$(printf '%s\n' "$script_hash" "$suite" "$mirror" | sha256sum | cut -c1-16)
if is_current "$runtime_tag" "$runtime_inputs"; then
  log "$runtime_tag is up to date"
else
  build_runtime_base "$runtime_inputs"
fi

runtime_id=$(docker image inspect --format '{{.Id}}' "$runtime_tag")
swift_inputs=$(printf '%s\n' "$script_hash" "$swift_version_line" "$runtime_id" | sha256sum | cut -c1-16)
if is_current "$swift_tag" "$swift_inputs"; then
  log "$swift_tag is up to date"
else
  build_swift_image "$swift_inputs"
fi
remove_replaced "$old_swift_id" "$swift_tag"
remove_replaced "$old_runtime_id" "$runtime_tag"

log "runtime base $(docker image inspect --format '{{.Size}}' "$runtime_tag" | awk '{printf "%.0f MB", $1/1e6}'), build image $(docker image inspect --format '{{.Size}}' "$swift_tag" | awk '{printf "%.0f MB", $1/1e6}')"
printf 'export SWIFT_IMAGE=%s\nexport RUNTIME_IMAGE=%s\n' "$swift_tag" "$runtime_tag"
