#!/usr/bin/env bash
# Init's last step: the API answers {invoke_url}/host through API Gateway, the VPC link, the load balancer,
# nginx and the FastCGI app. New stacks take a while to route (targets register, health checks pass), so it
# retries until a deadline instead of sleeping a fixed time.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/smoke-test.sh --url INVOKE_URL [--deadline SECONDS] [--interval SECONDS]
GETs INVOKE_URL/host (the invoke URL ends with the stage, which is the app's base path) until it answers
200 with a JSON body whose message starts "Request handled by backend", or the deadline (default 300 s)
passes. Each request may take at most 10 s; retries every --interval seconds (default 10).
Prints the body on success.
USAGE
}

url='' deadline=300 interval=10
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --url) url=${2:?--url needs a value}; shift 2 ;;
    --deadline) deadline=${2:?--deadline needs a value}; shift 2 ;;
    --interval) interval=${2:?--interval needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$url" ] || { usage >&2; exit 2; }
[[ $url =~ ^https?://[^[:space:]]+$ ]] || fatal "'$url' is not an http(s) URL"
[[ $deadline =~ ^[0-9]+$ ]] || fatal "--deadline must be whole seconds"
[[ $interval =~ ^[0-9]+$ && $interval -ge 1 ]] || fatal "--interval must be at least 1 second"
require_cmd curl jq

target=${url%/}/host
end=$((SECONDS + deadline))
body_file=$(mktemp)
trap 'rm -f "$body_file" "$body_file.err"' EXIT
attempt=0 last=''
while :; do
  attempt=$((attempt + 1))
  # --max-time bounds one request; a connection failure is just another "not yet".
  : >"$body_file"
  code=$(curl --silent --show-error --max-time 10 --output "$body_file" --write-out '%{http_code}' "$target" \
    2>"$body_file.err") || code="no answer ($(tr -d '\n' <"$body_file.err"))"
  if [ "$code" = 200 ] &&
    jq -e '(.message | startswith("Request handled by backend")) and has("imageUri") and has("hostname")' \
      "$body_file" >/dev/null 2>&1; then
    log "GET $target: 200 after $attempt attempt(s)"
    cat "$body_file"
    echo
    exit 0
  fi
  last="$code $(head -c 300 "$body_file" 2>/dev/null | tr -d '\n')"
  [ "$SECONDS" -lt "$end" ] || fatal "GET $target did not answer as expected within ${deadline}s; last: $last"
  log "attempt $attempt: $last; retrying"
  remaining=$((end - SECONDS))
  sleep $((interval < remaining ? interval : remaining))
done
