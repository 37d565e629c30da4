#!/usr/bin/env bash
# Starts FCGIApp behind nginx and supervises both: the container's entrypoint (under tini) and `make run`.
# `FCGIApp preflight` checks every setting and prints the values to export; the drop-ins in
# entrypoint.d/ then prepare RUNTIME_DIR and render the nginx config. Then: if either process dies, the
# other is stopped and this exits non-zero within 2 s; on SIGTERM/SIGINT (ECS stops tasks with SIGTERM)
# nginx finishes its in-flight requests, the app stops, and this exits 0 within 10 s.
#
# bash for `wait -n`: the supervisor sleeps in `wait -n` on its two children and wakes when either
# ends or a trapped signal arrives (bash's wait returns at once for a trapped signal and runs the trap).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: entrypoint.sh [--help]
Checks the environment (FCGIApp preflight), renders nginx/*.template into RUNTIME_DIR, starts FCGIApp
and nginx in the foreground and supervises both. Exit codes: 0 after SIGTERM/SIGINT, 2 for invalid
configuration, another non-zero code when either process dies.

Environment (default):
  PORT                      HTTP port nginx listens on (3000)
  LISTEN_HOST               address nginx listens on (empty: all addresses)
  BASE_PATH                 API prefix, 1-64 of [A-Za-z0-9_-] (dev): /BASE_PATH/host, /BASE_PATH/stress-cpu/P/S
  IMAGE                     image reference the app reports as imageUri (app default: NOT_FOUND)
  STRESS_MAX_SECONDS        longest stress job the app accepts (app default: 900)
  NGINX_WORKER_PROCESSES    nginx worker processes, a number or auto = the task's CPU allowance (1)
  NGINX_WORKER_CONNECTIONS  connections per nginx worker, clients plus app, 64-65471 (derived: at most
                            16384, and no more app connections than FCGI_WORKERS + backlog hold)
  NGINX_UPSTREAM_KEEPALIVE  idle app connections each nginx worker keeps open (64, at most
                            FCGI_WORKERS / 2 per worker)
  FCGI_WORKERS              app worker threads, at most 1000; must exceed NGINX_UPSTREAM_KEEPALIVE x
                            worker processes (derived: twice that product, at most what nginx can open)
  FCGI_BACKLOG              app listen backlog (net.core.somaxconn, which caps it anyway)
  NGINX_STRESS_RATE         rate limit of /BASE_PATH/stress-cpu/ for the whole task, N r/s or N r/m (1r/s)
  NGINX_STRESS_BURST        requests above the rate accepted at once before 429, at least 1 (5)
  NGINX_ACCESS_LOG          where nginx writes its JSON access log, a path or off (/dev/stdout)
  RUNTIME_DIR               the only writable directory: config, pid, temp files, socket (/tmp/fcgiapp)
  APP_HOME                  install root with nginx/ and scripts/ (parent of this script's directory)
  FCGIAPP_BIN               the app binary (APP_HOME/bin/FCGIApp)
  NGINX_BIN                 nginx binary (nginx on PATH, else /usr/sbin/nginx)
  LAME_DUCK_SECONDS         on SIGTERM, seconds nginx keeps answering with Connection: close (and /health
                            503) before its graceful quit, 0-4 (2)
  QUIET                     1 silences this script's own log lines (errors are always printed)
Counts are decimal without leading zeros; `FCGIApp preflight` owns every rule above.
USAGE
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/entrypoint.d/lib/log.sh
. "$script_dir/entrypoint.d/lib/log.sh"

# MARK: clock and timers

# Sets `now` to centiseconds since boot from /proc/uptime (CLOCK_BOOTTIME: monotonic, unlike
# $EPOCHREALTIME or SECONDS, which follow the wall clock). Builtins only and no $(...): a command
# substitution is a subshell, which a SIGTERM to the process group would kill mid-budget.
now_cs() {
  local uptime _
  read -r uptime _ </proc/uptime
  uptime=${uptime/./}
  now=$((10#$uptime))
}

# A timer is a child that ends after $1 centiseconds, so `wait -n` on it and a process is a wait with a
# deadline. It ignores SIGTERM/SIGINT/SIGHUP (ignored dispositions survive exec): a signal to the whole
# process group (tini -g, Ctrl-C, timeout, a closed terminal) must not end it early and cut a budget
# short. (Started from the stop's trap, it is doubly safe: bash blocks the signal while its trap runs,
# and the child inherits that mask.)
timer_pid=
start_timer() {
  (
    trap '' TERM INT HUP
    printf -v seconds '%d.%02d' $(($1 / 100)) $(($1 % 100))
    exec sleep "$seconds"
  ) &
  timer_pid=$!
}
stop_timer() {
  [[ -z $timer_pid ]] || kill -s KILL "$timer_pid" 2>/dev/null || true
  [[ -z $timer_pid ]] || wait "$timer_pid" 2>/dev/null || true
  timer_pid=
}

# MARK: processes

alive() {
  kill -0 "$1" 2>/dev/null
}

# Waits until child $1 ends or $2 centiseconds pass: true (and `status` set) if it ended. A timer that
# ended early (it should not, see start_timer) only starts another for what is left of the budget.
wait_gone() {
  local pid=$1 deadline left ended
  now_cs
  deadline=$((now + $2))
  while :; do
    now_cs
    left=$((deadline - now))
    ((left > 0)) || return 1
    start_timer "$left"
    ended=
    status=0
    wait -n -p ended "$pid" "$timer_pid" 2>/dev/null || status=$?
    if [[ ${ended:-} == "$pid" ]]; then
      stop_timer
      return 0
    fi
    stop_timer
    # Not our child any more (already reaped by an earlier wait): gone.
    alive "$pid" || return 0
  done
}

# nginx runs in its own session (setsid), so its workers can be stopped even when the master is gone:
# workers outlive a killed master and would keep serving the port.
signal_nginx_group() {
  [[ -n $nginx_pid ]] || return 0
  kill -s "$1" -- "-$nginx_pid" 2>/dev/null || true
}

# Stops the app within $1 centiseconds; `forced` records that it had to be killed, `app_status` is how
# it ended.
stop_app() {
  app_status=0
  [[ -n $app_pid ]] || return 0
  kill -s TERM "$app_pid" 2>/dev/null || true
  if wait_gone "$app_pid" "$1"; then
    app_status=$status
  else
    log "FCGIApp ($app_pid) still running; killing it"
    kill -s KILL "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    forced=1
  fi
}

# Signal $1 to the master, up to $2 centiseconds for nginx to end, then SIGTERM (closes every connection
# at once) and, half a second later, SIGKILL for the whole group. Graceful: SIGQUIT lets nginx finish
# the requests in flight. Cutting off a client that held a connection past the budget (idle, or a
# request it never finished) is normal on a stop, so it is a warning, not a failure.
stop_nginx() {
  [[ -n $nginx_pid ]] || return 0
  kill -s "$1" "$nginx_pid" 2>/dev/null || true
  if ! wait_gone "$nginx_pid" "$2"; then
    log "warning: nginx ($nginx_pid) still running after SIG$1; closing its connections"
    kill -s TERM "$nginx_pid" 2>/dev/null || true
    wait_gone "$nginx_pid" 50 || log "warning: nginx ($nginx_pid) ignored SIGTERM; killing it"
  fi
  signal_nginx_group KILL
}

# The lame duck: for LAME_DUCK_SECONDS nginx keeps serving, but every response closes its connection
# and /health answers 503 (nginx/lame-duck.conf.template reads the flag file). Clients on idle kept
# connections get a full answer to their next request instead of EOF. The wait is a timer alone: a
# child that dies meanwhile is collected by the stop that follows.
lame_duck() {
  [[ -n $nginx_pid ]] && ((LAME_DUCK_SECONDS > 0)) || return 0
  : >"$RUNTIME_DIR/lame-duck.on"
  start_timer $((LAME_DUCK_SECONDS * 100))
  wait "$timer_pid" 2>/dev/null || true
  timer_pid=
}

# SIGTERM/SIGINT, run as the trap itself so it cannot be missed between two waits: the lame duck, then
# nginx's graceful quit, so no request reaches a stopping app, then the app. Budget: 6 s for the lame
# duck and nginx together (+0.5 s for a stuck nginx), then 3 s for the app, under the 10 s the contract
# promises (preflight keeps LAME_DUCK_SECONDS at most 4). Non-zero only when the app had to be killed
# or ended badly: nginx has nothing left to lose by then.
shutdown() {
  trap '' TERM INT HUP
  log "$1 received: lame duck for ${LAME_DUCK_SECONDS} s, then stopping nginx gracefully, then FCGIApp"
  forced=0
  lame_duck
  stop_nginx QUIT $((600 - LAME_DUCK_SECONDS * 100))
  stop_app 300
  ((forced == 0)) || fatal "FCGIApp did not stop within 3 s"
  case $app_status in
    0 | 143) ;; # 143: ended by the SIGTERM itself, which is what was asked
    *) fatal "FCGIApp exited with status $app_status while stopping" ;;
  esac
  log "stopped"
  exit 0
}

# Child $2 (named $1) ended with status $3: stop the other at once (2 s budget in all), report failure.
died() {
  trap '' TERM INT HUP
  local dead_status=$3
  forced=0
  if [[ $1 == nginx ]]; then
    signal_nginx_group TERM
    stop_app 100
    signal_nginx_group KILL
  else
    stop_nginx TERM 100
  fi
  ((dead_status != 0)) || dead_status=1
  printf '%s: error: %s (pid %s) exited unexpectedly; stopped the other, exiting %s\n' \
    "$log_name" "$1" "$2" "$dead_status" >&2
  exit "$dead_status"
}

# MARK: set-up

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

export APP_HOME=${APP_HOME:-${script_dir%/*}}
export FCGIAPP_BIN=${FCGIAPP_BIN:-$APP_HOME/bin/FCGIApp}
if [[ -z ${NGINX_BIN:-} ]]; then
  NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi
export NGINX_BIN
# Each child runs in its own session (see below); util-linux's setsid is in every Debian image.
command -v setsid >/dev/null 2>&1 || invalid "setsid not found (install util-linux)"
# The one check preflight cannot make: that it can run at all.
[[ -x $FCGIAPP_BIN && -f $FCGIAPP_BIN ]] ||
  invalid "FCGIAPP_BIN='$FCGIAPP_BIN' is not an executable file (build it with: swift build -c release)"

# Preflight prints NAME=value lines whose values hold only [A-Za-z0-9_./:=-] and spaces; it has already
# printed every problem on stderr when it fails (exit 2).
preflight_status=0
settings=$("$FCGIAPP_BIN" preflight) || preflight_status=$?
((preflight_status == 0)) || exit "$preflight_status"
while IFS= read -r line; do
  [[ $line =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]] || fatal "unexpected line from FCGIApp preflight: $line"
  export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
done <<<"$settings"
log "PORT=$PORT BASE_PATH=$BASE_PATH RUNTIME_DIR=$RUNTIME_DIR nginx workers=$NGINX_WORKER_PROCESSES keepalive=$NGINX_UPSTREAM_KEEPALIVE FCGI_WORKERS=$FCGI_WORKERS"

# Drop-ins run as children in `sort -V` order; a failing one ends the start with its exit code. Files
# without the executable bit are skipped, which is how one is switched off.
mapfile -t dropins < <(find "$script_dir/entrypoint.d" -maxdepth 1 -type f -name '*.sh' | sort -V)
for dropin in "${dropins[@]}"; do
  if [[ -x $dropin ]]; then
    dropin_status=0
    "$dropin" || dropin_status=$?
    ((dropin_status == 0)) || exit "$dropin_status"
  else
    log "skipping $dropin: not executable"
  fi
done

# MARK: supervise

app_pid=
nginx_pid=
trap 'shutdown SIGTERM' TERM
trap 'shutdown SIGINT' INT
# A closed terminal (`make run`): the children, in their own sessions, would not notice it.
trap 'shutdown SIGHUP' HUP

# Both children get their own session: a SIGTERM to this script's process group (tini -g, Ctrl-C) must
# reach only the supervisor, which stops them in order; the app stopping first would fail requests
# nginx still has in flight. Not a group leader, the background child execs setsid without a fork,
# so $! is the process itself.
log "starting FCGIApp: $FCGIAPP_BIN (listening on $FCGI_LISTEN, $FCGI_WORKERS workers)"
setsid "$FCGIAPP_BIN" &
app_pid=$!

# nginx would answer 503 until the socket exists; waiting (5 s at most) makes the first health check
# pass. The pause is a builtin read with a timeout on a pipe nobody writes: no helper process, and a
# trapped signal interrupts it.
exec {pause_fd}<> <(:)
now_cs
socket_deadline=$((now + 500))
until [[ -S $FCGI_LISTEN ]]; do
  alive "$app_pid" || break # its status is collected by the wait below
  now_cs
  if ((now >= socket_deadline)); then
    log "no socket at $FCGI_LISTEN after 5 s; starting nginx anyway"
    break
  fi
  read -r -t 0.02 -u "$pause_fd" _ || true
done
exec {pause_fd}<&-

log "starting nginx on port $PORT (base path /$BASE_PATH, worker_processes $NGINX_WORKER_PROCESSES)"
setsid "$NGINX_BIN" -p "$RUNTIME_DIR" -c "$RUNTIME_DIR/nginx.conf" -e stderr -g 'daemon off;' &
nginx_pid=$!

# Sleeps until either child ends; bash keeps the status of a child that ended before this line, so
# one that died early is reported here too. A trapped signal runs shutdown (which exits) from the wait.
while :; do
  ended=
  status=0
  wait -n -p ended "$app_pid" "$nginx_pid" || status=$?
  case ${ended:-} in
    "$app_pid") died FCGIApp "$app_pid" "$status" ;;
    "$nginx_pid") died nginx "$nginx_pid" "$status" ;;
  esac
done
