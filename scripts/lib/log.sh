#!/usr/bin/env bash
# Log helpers of every script under scripts/ (source it; it defines functions only). Lines go to stderr,
# prefixed with the name of the script that sourced this file, so interleaved CI logs say who spoke.
# The entrypoint keeps its own (it ships in the image without scripts/lib and honours QUIET).

LOG_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }
error() { printf '%s: error: %s\n' "$LOG_NAME" "$*" >&2; }
fatal() {
  error "$*"
  exit 1
}
