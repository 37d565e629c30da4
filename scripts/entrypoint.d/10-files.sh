#!/usr/bin/env bash
# Run by entrypoint.sh after `FCGIApp preflight`: checks the files the settings name, which are facts
# of the filesystem at start rather than rules about the values (preflight owns those).
set -euo pipefail
# shellcheck source=scripts/entrypoint.d/lib/log.sh
. "${BASH_SOURCE[0]%/*}/lib/log.sh"

[[ -x $NGINX_BIN && -f $NGINX_BIN ]] ||
  invalid "NGINX_BIN='$NGINX_BIN' is not an executable file (install nginx-light, or set NGINX_BIN)"

# nginx opens the access log by path, so /dev/stdout must be writable by this user: it is for a
# terminal and in a container (runc hands the stdio pipes to the container's user), not for a file or
# pipe another user created.
access_log=${NGINX_ACCESS_LOG_DIRECTIVE%% *}
if [[ $access_log != off && -e $access_log && ! -w $access_log ]]; then
  invalid "NGINX_ACCESS_LOG=$access_log is not writable by $(id -un) (for /dev/stdout: stdout belongs to another user), so nginx could not open it; redirect stdout to something this user can write, or set NGINX_ACCESS_LOG=off"
fi
