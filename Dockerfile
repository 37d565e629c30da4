# One image, two processes: nginx answers HTTP on :3000 and talks FastCGI to FCGIApp over a unix socket;
# tini is PID 1 and the entrypoint supervises both (either dies -> the container exits non-zero).
#
# Base images are build arguments so machines without a registry can pass local stand-ins
# (scripts/build-base-images.sh); the defaults are the public images.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ================================
# Build stage: FCGIApp, release, static Swift stdlib
# ================================
# checkov:skip=CKV_DOCKER_7:the tag is in the SWIFT_IMAGE build argument (default swift:6.3-bookworm)
FROM ${SWIFT_IMAGE} AS build

# libfcgi-dev brings fcgiapp.h and the static libfcgi.a the app links by name, so the runtime stage needs
# no libfcgi package; pkg-config serves system-library targets that declare a .pc file.
# Versions are pinned by the base image's Debian release (bookworm + its security updates); exact package
# pins would break the build each time Debian publishes a security fix.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libfcgi-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first, in their own layer: it is reused until Package.swift or Package.resolved change.
COPY Package.* ./
RUN swift package resolve

# .dockerignore keeps Tests/<Target>/ as empty directories (SwiftPM needs every declared target to
# exist), so editing a test never invalidates this layer.
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product FCGIApp \
    && mkdir -p /staging/bin \
    && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/FCGIApp" /staging/bin/ \
    && strip /staging/bin/FCGIApp \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/bin/swift-backtrace

# ================================
# Runtime stage: nginx + tini + envsubst, non-root, read-only root filesystem friendly
# ================================
FROM ${RUNTIME_IMAGE} AS runtime

# nginx-light: the smallest nginx with FastCGI and limit_req; tini: PID 1 that reaps and forwards
# signals; gettext-base: envsubst, which renders the nginx templates at start.
# The user owns nothing in the image: it only writes under RUNTIME_DIR (/tmp). A fixed numeric UID lets
# orchestrators verify non-root (runAsNonRoot) without reading /etc/passwd. No file keeps a setuid or setgid
# bit (su, passwd, mount, ...): nothing in this image needs to gain privileges, so nothing may.
# Packages follow the base image's Debian release (see the build stage on pinning).
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends nginx-light tini gettext-base \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
    && chmod 1777 /tmp \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +

# Least often changed first: nginx templates and the entrypoint, then the binary.
COPY --chown=root:root nginx/ /opt/fcgiapp/nginx/
COPY --chown=root:root scripts/entrypoint.sh /opt/fcgiapp/scripts/entrypoint.sh
COPY --chown=root:root scripts/entrypoint.d/ /opt/fcgiapp/scripts/entrypoint.d/
COPY --from=build --chown=root:root /staging/bin/ /opt/fcgiapp/bin/

# Declared this late because an ARG takes part in the cache key of every RUN after it: a new revision
# must not reinstall the packages.
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="fargate-auto-scaled-backend" \
      org.opencontainers.image.description="Swift FastCGI API behind nginx, for ECS Fargate" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

# RUNTIME_DIR (/tmp/fcgiapp) is the only writable path (rendered nginx.conf, pid, temp files, the FastCGI
# socket). SWIFT_BACKTRACE: symbolicated crash reports on stderr, using the static backtracer shipped next
# to the binary.
ENV APP_HOME=/opt/fcgiapp \
    RUNTIME_DIR=/tmp/fcgiapp \
    PORT=3000 \
    BASE_PATH=dev \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,cache=no,swift-backtrace=/opt/fcgiapp/bin/swift-backtrace

# /tmp is a volume so that it is writable under a read-only root for any non-root user. On Fargate the task
# volume mounted at /tmp is an empty directory owned by root with mode 0755 unless the image declares a
# VOLUME at that path; then ECS copies the image's /tmp, contents and mode (1777, set above), into it ("Use
# bind mounts with Amazon ECS"). Docker does the same for the anonymous volume it creates at run time, so
# `docker run --read-only IMAGE` needs no --tmpfs. Tests/container/test_fargate_task.py runs the task
# definition with both rules.
VOLUME ["/tmp"]

USER 10001:10001
EXPOSE 3000

# Through nginx to the app, so it proves both processes; no curl needed. A 1 s interval makes a fresh
# container healthy about a second after start (Docker 20.10 has no --start-interval).
HEALTHCHECK --interval=1s --timeout=2s --start-period=10s --retries=3 \
    CMD ["/opt/fcgiapp/bin/FCGIApp", "healthcheck"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "/opt/fcgiapp/scripts/entrypoint.sh"]
CMD []
