#!/usr/bin/env bash
# Log helpers (and `check`) of every script under scripts/ (source it; it defines functions only). Lines go to stderr,
# prefixed with the name of the script that sourced this file, so interleaved CI logs say who spoke.
# The entrypoint keeps its own (it ships in the image without scripts/lib and honours QUIET).

LOG_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }
error() { printf '%s: error: %s\n' "$LOG_NAME" "$*" >&2; }
fatal() {
  error "$*"
  exit 1
}

# check NAME COMMAND...: runs one check (a linter); its output is shown only when it fails, and NAME is
# added to the caller's `failed` array, so a script reports every failure once at the end.
check() {
  local name=$1 output
  shift
  if output=$("$@" 2>&1); then
    log "ok   $name"
  else
    log "FAIL $name"
    printf '%s\n' "$output" >&2
    failed+=("$name")
  fi
}
