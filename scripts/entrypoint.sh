#!/bin/sh
# Starts FCGIApp behind nginx and supervises both: the container's entrypoint (under tini) and `make run`.
# Setup runs first as numbered drop-ins from entrypoint.d/ (validate, prepare RUNTIME_DIR, render the
# nginx config). Then: if either process dies, the other is stopped and this exits non-zero within 2 s;
# on SIGTERM/SIGINT (ECS stops tasks with SIGTERM) nginx finishes its in-flight requests, the app stops,
# and this exits 0 within 10 s.
#
# POSIX sh (dash in the image): no `wait -n`, so signals only set a flag that a short polling loop reads.
set -eu

usage() {
  cat <<'USAGE'
Usage: entrypoint.sh [--help]
Validates the environment, renders nginx/*.template into RUNTIME_DIR, starts FCGIApp and nginx in the
foreground and supervises both. Exit codes: 0 after SIGTERM/SIGINT, 2 for invalid configuration,
another non-zero code when either process dies.

Environment (default):
  PORT                      HTTP port nginx listens on (3000)
  LISTEN_HOST               address nginx listens on (empty: all addresses)
  BASE_PATH                 API prefix, 1-64 of [A-Za-z0-9_-] (dev): /BASE_PATH/host, /BASE_PATH/stress-cpu/P/S
  IMAGE                     image reference the app reports as imageUri (app default: NOT_FOUND)
  STRESS_MAX_SECONDS        longest stress job the app accepts (app default: 900)
  NGINX_WORKER_PROCESSES    nginx worker processes, a number or auto = CPUs available (1)
  NGINX_WORKER_CONNECTIONS  connections per nginx worker, clients plus app (1024)
  NGINX_UPSTREAM_KEEPALIVE  idle app connections each nginx worker keeps open (64)
  FCGI_WORKERS              app worker threads; must exceed NGINX_UPSTREAM_KEEPALIVE x worker processes
                            (default: twice that product)
  FCGI_BACKLOG              app listen backlog (app default: 1024)
  NGINX_STRESS_RATE         rate limit of /BASE_PATH/stress-cpu/ for the whole task, N r/s or N r/m (1r/s)
  NGINX_STRESS_BURST        requests above the rate accepted at once before 429 (5)
  NGINX_ACCESS_LOG          where nginx writes its JSON access log, a path or off (/dev/stdout)
  RUNTIME_DIR               the only writable directory: config, pid, temp files, socket (/tmp/fcgiapp)
  APP_HOME                  install root with nginx/ and scripts/ (parent of this script's directory)
  FCGIAPP_BIN               the app binary (APP_HOME/bin/FCGIApp)
  NGINX_BIN                 nginx binary (nginx on PATH, else /usr/sbin/nginx)
  QUIET                     1 silences this script's own log lines (errors are always printed)
USAGE
}

# MARK: logging (shared with the drop-ins, which are sourced)

log_name=${0##*/}
log() {
  case ${QUIET:-0} in
    '' | 0) printf '%s: %s\n' "$log_name" "$*" >&2 ;;
  esac
}
fatal() {
  printf '%s: error: %s\n' "$log_name" "$*" >&2
  exit 1
}
# Invalid configuration: exit 2, like the app does, so a caller can tell it from a crash.
invalid() {
  printf '%s: error: %s\n' "$log_name" "$*" >&2
  exit 2
}

# MARK: processes

# True while the process runs. kill -0 alone also succeeds for a zombie, which a dead child is until the
# shell reaps it, so the state letter in /proc/PID/stat decides.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  stat_line=
  read -r stat_line <"/proc/$1/stat" 2>/dev/null || return 0
  stat_line=${stat_line##*) }
  [ "${stat_line%% *}" != Z ]
}

# Centiseconds since boot, from /proc/uptime: budgets are deadlines, not counts of `sleep 0.1` turns,
# which run long on a loaded machine (and `date +%s` is too coarse for them).
now_cs() {
  uptime_line=
  if read -r uptime_line _ </proc/uptime 2>/dev/null; then
    uptime_cs=${uptime_line%.*}${uptime_line#*.}
    uptime_cs=${uptime_cs#"${uptime_cs%%[!0]*}"} # no leading 0: dash's $((...)) would read octal
    echo "${uptime_cs:-0}"
  else
    echo $(($(date +%s) * 100))
  fi
}

# Waits up to $2 hundredths of a second for process $1 to end; false if it is still running.
wait_gone() {
  wait_deadline=$(($(now_cs) + $2))
  while alive "$1"; do
    [ "$(now_cs)" -lt "$wait_deadline" ] || return 1
    sleep 0.1 || : # a group-wide SIGTERM kills it too; that must not end the script (set -e)
  done
}

# Sets `status` to the exit status of an ended child (and reaps it). Not a $(...) function: a subshell
# has no children to wait for.
reap() {
  status=0
  wait "$1" 2>/dev/null || status=$?
}

# nginx runs in its own process group (setsid), so its workers can be stopped even when the master is
# gone: workers outlive a killed master and would keep serving the port.
signal_nginx_group() {
  [ -n "$nginx_pid" ] || return 0
  kill -s "$1" -- "-$nginx_pid" 2>/dev/null || true
}

# Stops the app within $1 hundredths of a second; `forced` records that it had to be killed.
stop_app() {
  [ -n "$app_pid" ] && alive "$app_pid" || return 0
  kill -s TERM "$app_pid" 2>/dev/null || true
  if ! wait_gone "$app_pid" "$1"; then
    log "FCGIApp ($app_pid) still running; killing it"
    kill -s KILL "$app_pid" 2>/dev/null || true
    forced=1
  fi
}

# Signal $1 to the master, up to $2 hundredths of a second for nginx to end, then SIGTERM (closes every
# connection at once) and, half a second later, SIGKILL for the whole group. Graceful: SIGQUIT lets
# nginx finish the requests in flight. Cutting off a client that held a connection past the budget
# (idle, or a request it never finished) is normal on a stop, so it is a warning, not a failure.
stop_nginx() {
  [ -n "$nginx_pid" ] || return 0
  if alive "$nginx_pid"; then
    kill -s "$1" "$nginx_pid" 2>/dev/null || true
    if ! wait_gone "$nginx_pid" "$2"; then
      log "warning: nginx ($nginx_pid) still running after SIG$1; closing its connections"
      kill -s TERM "$nginx_pid" 2>/dev/null || true
      wait_gone "$nginx_pid" 50 || log "warning: nginx ($nginx_pid) ignored SIGTERM; killing it"
    fi
  fi
  signal_nginx_group KILL
}

# SIGTERM/SIGINT: nginx first, so no request reaches a stopping app, then the app. Budget: 6 s (+0.5 s
# for a stuck nginx) + 3 s, under the 10 s the contract promises. Non-zero only when the app had to be
# killed or ended badly: nginx has nothing left to lose by then.
shutdown() {
  log "$1 received: stopping nginx gracefully, then FCGIApp"
  trap '' TERM INT
  forced=0
  stop_nginx QUIT 600
  stop_app 300
  status=0
  [ -z "$app_pid" ] || reap "$app_pid"
  app_status=$status
  if [ "$forced" -ne 0 ]; then
    fatal "FCGIApp did not stop within 3 s"
  fi
  case $app_status in
    0 | 143) ;; # 143: ended by the SIGTERM itself, which is what was asked
    *) fatal "FCGIApp exited with status $app_status while stopping" ;;
  esac
  log "stopped"
  exit 0
}

# One of the two died: stop the other at once (2 s budget in all) and report failure.
died() {
  reap "$2"
  dead_status=$status
  trap '' TERM INT
  forced=0
  if [ "$1" = nginx ]; then
    signal_nginx_group TERM
    stop_app 100
    signal_nginx_group KILL
  else
    stop_nginx TERM 100
  fi
  [ "$dead_status" -ne 0 ] || dead_status=1
  printf '%s: error: %s (pid %s) exited unexpectedly; stopped the other, exiting %s\n' \
    "$log_name" "$1" "$2" "$dead_status" >&2
  exit "$dead_status"
}

# MARK: main

case ${1:-} in
  -h | --help)
    usage
    exit 0
    ;;
  '') ;;
  *)
    usage >&2
    exit 2
    ;;
esac

script_dir=$(cd "$(dirname "$0")" && pwd)
APP_HOME=${APP_HOME:-$(dirname "$script_dir")}
export APP_HOME

# Drop-ins are sourced in `sort -V` order so they can set and export variables for the next ones and for
# the two processes. Files without the executable bit are skipped, which is how one is switched off.
dropins=$(find "$script_dir/entrypoint.d" -maxdepth 1 -type f -name '*.sh' 2>/dev/null | sort -V)
old_ifs=$IFS
IFS='
'
set -f # split the list on newlines only, and expand no patterns in the paths
for dropin in $dropins; do
  IFS=$old_ifs
  set +f
  if [ -x "$dropin" ]; then
    log_name=${dropin##*/}
    # shellcheck source=/dev/null
    . "$dropin"
    log_name=${0##*/}
  else
    log "skipping $dropin: not executable"
  fi
  set -f
done
set +f
IFS=$old_ifs

app_pid=
nginx_pid=
stop_signal=
trap 'stop_signal=SIGTERM' TERM
trap 'stop_signal=SIGINT' INT

log "starting FCGIApp: $FCGIAPP_BIN (listening on $FCGI_LISTEN, $FCGI_WORKERS workers)"
"$FCGIAPP_BIN" &
app_pid=$!

# nginx would answer 503 until the socket exists; waiting (5 s at most) makes the first health check pass.
tenths=0
until [ -S "$FCGI_LISTEN" ]; do
  [ -z "$stop_signal" ] || shutdown "$stop_signal"
  alive "$app_pid" || died FCGIApp "$app_pid"
  [ "$tenths" -lt 50 ] || {
    log "no socket at $FCGI_LISTEN after 5 s; starting nginx anyway"
    break
  }
  sleep 0.1 || :
  tenths=$((tenths + 1))
done

log "starting nginx on port $PORT (base path /$BASE_PATH, worker_processes $NGINX_WORKER_PROCESSES)"
if command -v setsid >/dev/null 2>&1; then
  setsid "$NGINX_BIN" -p "$RUNTIME_DIR" -c "$RUNTIME_DIR/nginx.conf" -e stderr -g 'daemon off;' &
else
  log "setsid not found: nginx workers may outlive a killed nginx master"
  "$NGINX_BIN" -p "$RUNTIME_DIR" -c "$RUNTIME_DIR/nginx.conf" -e stderr -g 'daemon off;' &
fi
nginx_pid=$!

while :; do
  [ -z "$stop_signal" ] || shutdown "$stop_signal"
  alive "$app_pid" || died FCGIApp "$app_pid"
  alive "$nginx_pid" || died nginx "$nginx_pid"
  sleep 0.2 || :
done
