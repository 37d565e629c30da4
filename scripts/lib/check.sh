#!/usr/bin/env bash
# check NAME COMMAND...: runs one check (a linter); its output is shown only when it fails, and NAME is
# added to the caller's `failed` array, so a script reports every failure once at the end. Source it after
# scripts/lib/log.sh.
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
