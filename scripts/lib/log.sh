#!/usr/bin/env bash
# Log helpers of every script under scripts/ (source it; it defines functions only). Lines go to stderr,
# prefixed with the name of the script that was run (or LOG_NAME, set before sourcing), so interleaved CI
# logs say who spoke.
# The entrypoint keeps its own (it ships in the image without scripts/lib and honours QUIET).

# The script that was run (the bottom of the source stack), also when a helper library sources this file.
LOG_NAME=${LOG_NAME:-$(basename "${BASH_SOURCE[-1]:-$0}" .sh)}

log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }
error() { printf '%s: error: %s\n' "$LOG_NAME" "$*" >&2; }
fatal() {
  error "$*"
  exit 1
}
