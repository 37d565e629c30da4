#!/usr/bin/env bash
# Init's last step, and Deploy's after a deployment: the API answers {invoke_url}/host through API Gateway, the
# VPC link, the load balancer, nginx and the FastCGI app. New stacks take a while to route (targets register,
# health checks pass), so it retries until a deadline instead of sleeping a fixed time. After a deployment,
# --expect-image also wants the answer to come from the deployed image (/host reports the task's imageUri), so
# a deployment that "succeeded" while the old tasks still serve is caught.
set -euo pipefail
# shellcheck source=scripts/pipeline/lib/common.sh
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/pipeline/smoke-test.sh --url INVOKE_URL [--expect-image IMAGE_URI] [--deadline SECONDS]
         [--interval SECONDS]
GETs INVOKE_URL/host (the invoke URL ends with the stage, which is the app's base path) until it answers
200 with a JSON body whose message starts "Request handled by backend" (and, with --expect-image, whose
imageUri is IMAGE_URI: the deployed image by digest), or the deadline (default 300 s) passes. Each request
may take at most 10 s; retries every --interval seconds (default 10). Prints the body on success; the job
summary ($GITHUB_STEP_SUMMARY) says which image answered.
USAGE
}

url='' expect_image='' deadline=300 interval=10
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --url) url=${2:?--url needs a value}; shift 2 ;;
    --expect-image) expect_image=${2:?--expect-image needs a value}; shift 2 ;;
    --deadline) deadline=${2:?--deadline needs a value}; shift 2 ;;
    --interval) interval=${2:?--interval needs a value}; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ -n "$url" ] || { usage >&2; exit 2; }
[[ $url =~ ^https?://[^[:space:]]+$ ]] || fatal "'$url' is not an http(s) URL"
# What the task root pins and the app reports: REGISTRY/NAME@sha256:<64 hex>.
[ -z "$expect_image" ] || [[ $expect_image =~ ^[^[:space:]@]+@sha256:[0-9a-f]{64}$ ]] ||
  fatal "--expect-image '$expect_image' is not an image reference by digest (NAME@sha256:...)"
[[ $deadline =~ ^[0-9]+$ ]] || fatal "--deadline must be whole seconds"
[[ $interval =~ ^[0-9]+$ && $interval -ge 1 ]] || fatal "--interval must be at least 1 second"
require_cmd curl jq

target=${url%/}/host
end=$((SECONDS + deadline))
body_file=$(mktemp)
trap 'rm -f "$body_file" "$body_file.err"' EXIT
attempt=0 last='' answered=''
while :; do
  attempt=$((attempt + 1))
  # --max-time bounds one request; a connection failure is just another "not yet".
  : >"$body_file"
  code=$(curl --silent --show-error --max-time 10 --output "$body_file" --write-out '%{http_code}' "$target" \
    2>"$body_file.err") || code="no answer ($(tr -d '\n' <"$body_file.err"))"
  if [ "$code" = 200 ] &&
    jq -e '(.message | startswith("Request handled by backend")) and has("imageUri") and has("hostname")' \
      "$body_file" >/dev/null 2>&1; then
    answered=$(jq -r '.imageUri | tostring' "$body_file")
    if [ -z "$expect_image" ] || [ "$answered" = "$expect_image" ]; then
      log "GET $target: 200 from image $answered after $attempt attempt(s)"
      summary "- **API**: \`$target\` answered 200 from image \`$answered\` (host $(jq -r '.hostname | tostring' "$body_file"))${expect_image:+: the deployed image}"
      cat "$body_file"
      echo
      exit 0
    fi
    # The old tasks may still take a share of the traffic (a linear or canary shift) or be draining.
    last="200 from image $answered, not $expect_image"
  else
    last="$code $(head -c 300 "$body_file" 2>/dev/null | tr -d '\n')"
  fi
  if [ "$SECONDS" -ge "$end" ]; then
    if [ -n "$answered" ] && [ -n "$expect_image" ]; then
      summary "- **API**: FAILED — \`$target\` still answered from image \`$answered\` after ${deadline}s, not the deployed \`$expect_image\`"
      fatal "GET $target answered from image $answered, not the deployed $expect_image, within ${deadline}s; last: $last"
    fi
    summary "- **API**: FAILED — \`$target\` did not answer as expected within ${deadline}s; last: $(tr '`|' "' " <<<"$last")"
    fatal "GET $target did not answer as expected within ${deadline}s; last: $last"
  fi
  log "attempt $attempt: $last; retrying"
  remaining=$((end - SECONDS))
  sleep $((interval < remaining ? interval : remaining))
done
