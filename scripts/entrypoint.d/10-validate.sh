#!/bin/sh
# shellcheck shell=sh
# Sourced by entrypoint.sh. Fills in defaults, checks every setting before anything starts (invalid ->
# a message naming the variable, exit 2), and derives FCGI_WORKERS from the nginx sizing.

# True for 1-9 decimal digits (longer values could overflow shell arithmetic) without a leading 0:
# dash's $((...)) reads 010 as octal 8 (and 08 not at all) while nginx reads 10.
is_count() {
  case $1 in '' | *[!0-9]* | 0?*) return 1 ;; esac
  [ ${#1} -le 9 ]
}

# require_count NAME MIN MAX: the variable NAME holds a whole number within MIN..MAX.
require_count() {
  eval "value=\${$1}"
  # shellcheck disable=SC2154 # value is set by the eval above
  if ! is_count "$value" || [ "$value" -lt "$2" ] || [ "$value" -gt "$3" ]; then
    invalid "$1='$value' is invalid: use a whole number from $2 to $3, in decimal without leading zeros"
  fi
}

: "${PORT:=3000}"
# Set but empty is refused below rather than silently replaced: an empty prefix is a misconfiguration.
: "${BASE_PATH=dev}"
: "${LISTEN_HOST:=}"
: "${RUNTIME_DIR:=/tmp/fcgiapp}"
: "${FCGIAPP_BIN:=$APP_HOME/bin/FCGIApp}"
: "${NGINX_WORKER_PROCESSES:=1}"
: "${NGINX_WORKER_CONNECTIONS:=1024}"
: "${NGINX_UPSTREAM_KEEPALIVE:=64}"
: "${NGINX_STRESS_RATE:=1r/s}"
: "${NGINX_STRESS_BURST:=5}"
: "${NGINX_ACCESS_LOG:=/dev/stdout}"
if [ -z "${NGINX_BIN:-}" ]; then
  NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi

# BASE_PATH becomes a URL prefix and part of nginx.conf: a strict character set keeps both safe.
case $BASE_PATH in
  *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-]*) base_ok=0 ;;
  *) base_ok=1 ;;
esac
if [ "$base_ok" -ne 1 ] || [ ${#BASE_PATH} -lt 1 ] || [ ${#BASE_PATH} -gt 64 ]; then
  invalid "BASE_PATH='$BASE_PATH' is invalid: use 1-64 characters from A-Z a-z 0-9 _ - (it is the URL prefix, e.g. dev for /dev/host)"
fi

require_count PORT 1 65535
require_count NGINX_WORKER_CONNECTIONS 64 65535
require_count NGINX_UPSTREAM_KEEPALIVE 1 4096
require_count NGINX_STRESS_BURST 0 100000
case $NGINX_STRESS_RATE in
  [1-9]*r/s | [1-9]*r/m)
    is_count "${NGINX_STRESS_RATE%r/?}" || invalid "NGINX_STRESS_RATE='$NGINX_STRESS_RATE' is invalid: use Nr/s or Nr/m, e.g. 1r/s"
    ;;
  *) invalid "NGINX_STRESS_RATE='$NGINX_STRESS_RATE' is invalid: use Nr/s or Nr/m, e.g. 1r/s" ;;
esac

# nginx listens on every address (the container) unless LISTEN_HOST names one, e.g. 127.0.0.1 in tests.
case $LISTEN_HOST in
  '') NGINX_LISTEN=$PORT ;;
  *[!0-9A-Za-z.:_-]*) invalid "LISTEN_HOST='$LISTEN_HOST' is invalid: use an IPv4 address or a host name" ;;
  *) NGINX_LISTEN=$LISTEN_HOST:$PORT ;;
esac

# `auto` is resolved here, not by nginx, so the sizing rule below uses the real number.
if [ "$NGINX_WORKER_PROCESSES" = auto ]; then
  NGINX_WORKER_PROCESSES=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
fi
require_count NGINX_WORKER_PROCESSES 1 256

# Sizing (see the upstream block in nginx/nginx.conf.template): each nginx worker keeps up to
# NGINX_UPSTREAM_KEEPALIVE idle connections to the app, and each of those pins one app worker thread.
# With no more threads than that, idle kept connections could hold every thread and new requests would
# wait forever in the backlog; with more, a new connection always finds a thread. Twice the product
# leaves as many threads again for bursts beyond the kept connections (capped at the app's 1000).
pinned=$((NGINX_UPSTREAM_KEEPALIVE * NGINX_WORKER_PROCESSES))
if [ -z "${FCGI_WORKERS:-}" ]; then
  FCGI_WORKERS=$((2 * pinned))
  [ "$FCGI_WORKERS" -le 1000 ] || FCGI_WORKERS=1000
fi
require_count FCGI_WORKERS 1 1000
if [ "$FCGI_WORKERS" -le "$pinned" ]; then
  invalid "FCGI_WORKERS=$FCGI_WORKERS is too small: nginx can pin $pinned app workers with idle kept connections (NGINX_UPSTREAM_KEEPALIVE=$NGINX_UPSTREAM_KEEPALIVE x NGINX_WORKER_PROCESSES=$NGINX_WORKER_PROCESSES), so use more than $pinned, or lower NGINX_UPSTREAM_KEEPALIVE (FCGI_WORKERS is at most 1000)"
fi

# Each request in flight holds a client and an app connection, and up to K app connections stay cached:
# fewer than 2 x K connections per worker would leave the cache crowding out clients.
[ "$NGINX_WORKER_CONNECTIONS" -ge $((2 * NGINX_UPSTREAM_KEEPALIVE)) ] ||
  invalid "NGINX_WORKER_CONNECTIONS=$NGINX_WORKER_CONNECTIONS is too small for NGINX_UPSTREAM_KEEPALIVE=$NGINX_UPSTREAM_KEEPALIVE: use at least $((2 * NGINX_UPSTREAM_KEEPALIVE))"

# RUNTIME_DIR is written into nginx.conf and holds the socket: an absolute path of plain characters,
# short enough for a unix socket address (108 bytes with the terminating NUL).
case $RUNTIME_DIR in
  /*) ;;
  *) invalid "RUNTIME_DIR='$RUNTIME_DIR' is invalid: use an absolute path" ;;
esac
case $RUNTIME_DIR in
  *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-]*)
    invalid "RUNTIME_DIR='$RUNTIME_DIR' is invalid: use only A-Z a-z 0-9 _ . - / in the path"
    ;;
esac
FCGI_LISTEN=$RUNTIME_DIR/fcgiapp.sock
[ ${#FCGI_LISTEN} -le 107 ] ||
  invalid "RUNTIME_DIR='$RUNTIME_DIR' is too long for a unix socket path ($FCGI_LISTEN must be at most 107 bytes)"

# nginx opens the access log by path, so /dev/stdout must be writable by this user: it is for a
# terminal and in a container (runc hands the stdio pipes to the container's user), not for a file or
# pipe another user created.
case $NGINX_ACCESS_LOG in
  off) NGINX_ACCESS_LOG_DIRECTIVE=off ;;
  /*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-]*)
    invalid "NGINX_ACCESS_LOG='$NGINX_ACCESS_LOG' is invalid: use off or a path of A-Z a-z 0-9 _ . - /"
    ;;
  /*)
    [ -w "$NGINX_ACCESS_LOG" ] || [ ! -e "$NGINX_ACCESS_LOG" ] ||
      invalid "NGINX_ACCESS_LOG=$NGINX_ACCESS_LOG is not writable by $(id -un) (for /dev/stdout: stdout belongs to another user), so nginx could not open it; redirect stdout to something this user can write, or set NGINX_ACCESS_LOG=off"
    NGINX_ACCESS_LOG_DIRECTIVE="$NGINX_ACCESS_LOG json buffer=16k flush=1s"
    ;;
  *) invalid "NGINX_ACCESS_LOG='$NGINX_ACCESS_LOG' is invalid: use off or an absolute path" ;;
esac

[ -x "$FCGIAPP_BIN" ] || invalid "FCGIAPP_BIN='$FCGIAPP_BIN' is not an executable file (build it with: swift build -c release)"
[ -x "$NGINX_BIN" ] || command -v "$NGINX_BIN" >/dev/null 2>&1 ||
  invalid "NGINX_BIN='$NGINX_BIN' is not an executable (install nginx-light, or set NGINX_BIN)"

export PORT BASE_PATH LISTEN_HOST NGINX_LISTEN RUNTIME_DIR FCGIAPP_BIN NGINX_BIN FCGI_WORKERS FCGI_LISTEN
export NGINX_ACCESS_LOG_DIRECTIVE NGINX_WORKER_PROCESSES NGINX_WORKER_CONNECTIONS NGINX_UPSTREAM_KEEPALIVE NGINX_STRESS_RATE NGINX_STRESS_BURST
log "PORT=$PORT BASE_PATH=$BASE_PATH RUNTIME_DIR=$RUNTIME_DIR nginx workers=$NGINX_WORKER_PROCESSES keepalive=$NGINX_UPSTREAM_KEEPALIVE FCGI_WORKERS=$FCGI_WORKERS"
