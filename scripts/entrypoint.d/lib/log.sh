# shellcheck shell=bash
# Log helpers shared by entrypoint.sh and its drop-ins (each sources this file; drop-ins run as
# children, so nothing else is shared). Messages go to stderr prefixed with the script's name; QUIET=1
# silences `log` only: errors always print.

log_name=${0##*/}

log() {
  [[ ${QUIET:-0} == 1 ]] || printf '%s: %s\n' "$log_name" "$*" >&2
}

fatal() {
  printf '%s: error: %s\n' "$log_name" "$*" >&2
  exit 1
}

# Invalid configuration or filesystem state: exit 2, like `FCGIApp preflight`, so a caller can tell it
# from a crash.
invalid() {
  printf '%s: error: %s\n' "$log_name" "$*" >&2
  exit 2
}
