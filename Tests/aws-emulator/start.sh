#!/usr/bin/env bash
# Starts the AWS emulator (launcher.py: moto + patches/) in the background on 127.0.0.1 and waits until it
# answers. Prints "PORT PID" on stdout; stop it with `kill PID`.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: Tests/aws-emulator/start.sh [PORT]
  PORT  port on 127.0.0.1 (default 0: a free port)
Prints "PORT PID" on stdout once the emulator answers (within AWS_EMULATOR_START_TIMEOUT seconds, default 60).
Environment:
  AWS_EMULATOR_LOG            where the emulator's output goes (default: a file in $TMPDIR, printed on failure)
  AWS_EMULATOR_START_TIMEOUT  seconds to wait for it to answer (default 60)
  PYTHON                      interpreter that has moto (default python3)
USAGE
}

LOG_NAME=aws-emulator
# shellcheck source=scripts/lib/log.sh
source "$(dirname "$0")/../../scripts/lib/log.sh"

case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }
port=${1:-0}
[[ $port =~ ^[0-9]+$ ]] || fatal "PORT must be a number, got '$port'"

here=$(cd "$(dirname "$0")" && pwd)
timeout=${AWS_EMULATOR_START_TIMEOUT:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/aws-emulator.XXXXXX")
log_file=${AWS_EMULATOR_LOG:-$work/emulator.log}
port_file=$work/port

# setsid: the emulator must not die with this script's process group when the caller's shell exits.
setsid "${PYTHON:-python3}" "$here/launcher.py" --port "$port" --port-file "$port_file" >"$log_file" 2>&1 </dev/null &
pid=$!

deadline=$((SECONDS + timeout))
while :; do
  if [ -s "$port_file" ]; then
    port=$(cat "$port_file")
    # Ready means it answers an API call, not just that the socket is bound.
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
      break
    fi
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log_file" >&2 || true
    fatal "the emulator exited before it answered"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    kill "$pid" 2>/dev/null || true
    cat "$log_file" >&2 || true
    fatal "the emulator did not answer within ${timeout}s"
  fi
  sleep 0.2
done
# Only the log (if it lives there) is worth keeping once the emulator answers.
rm -f "$port_file"
rmdir "$work" 2>/dev/null || true
log "ready on http://127.0.0.1:$port (pid $pid, log $log_file)"
printf '%s %s\n' "$port" "$pid"
