#!/usr/bin/env bash
# Run by entrypoint.sh as a child (it exports nothing), after `FCGIApp preflight`. Renders each
# APP_HOME/nginx/*.template to RUNTIME_DIR/<name without .template> and checks the result with
# `nginx -t`. Every substituted value was printed by preflight, which allows only safe characters.
set -euo pipefail
# shellcheck source=scripts/entrypoint.d/lib/log.sh
. "${BASH_SOURCE[0]%/*}/lib/log.sh"

template_dir=$APP_HOME/nginx
# Only these are substituted; nginx's own variables ($uri, $status, ...) must reach nginx unchanged.
# shellcheck disable=SC2016 # the names are for envsubst, not for the shell
render_vars='${NGINX_LISTEN} ${BASE_PATH} ${RUNTIME_DIR} ${NGINX_WORKER_PROCESSES} ${NGINX_WORKER_CONNECTIONS} ${NGINX_WORKER_RLIMIT_NOFILE} ${NGINX_UPSTREAM_KEEPALIVE} ${NGINX_STRESS_RATE} ${NGINX_STRESS_BURST} ${NGINX_ACCESS_LOG_DIRECTIVE} ${NGINX_WORKER_SHUTDOWN_TIMEOUT}'

command -v envsubst >/dev/null 2>&1 || invalid "envsubst not found (install gettext-base)"
[ -f "$template_dir/nginx.conf.template" ] || invalid "no nginx templates in $template_dir (set APP_HOME)"

for template in "$template_dir"/*.template; do
  rendered=$RUNTIME_DIR/$(basename "$template" .template)
  envsubst "$render_vars" <"$template" >"$rendered"
  log "rendered $rendered"
done

if ! check_output=$("$NGINX_BIN" -t -q -p "$RUNTIME_DIR" -c "$RUNTIME_DIR/nginx.conf" -e stderr 2>&1); then
  printf '%s\n' "$check_output" >&2
  invalid "the rendered $RUNTIME_DIR/nginx.conf does not pass nginx -t"
fi
