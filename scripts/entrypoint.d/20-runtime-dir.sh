#!/bin/sh
# shellcheck shell=sh
# Sourced by entrypoint.sh. Creates RUNTIME_DIR, the one writable directory (config, pid, temp files,
# socket), and clears what a previous run left there.

mkdir -p "$RUNTIME_DIR" || invalid "cannot create RUNTIME_DIR=$RUNTIME_DIR"
[ -w "$RUNTIME_DIR" ] || invalid "RUNTIME_DIR=$RUNTIME_DIR is not writable by $(id -un)"
# nginx workers may run as another user (nobody, when the master is root) and must reach the socket.
if [ -O "$RUNTIME_DIR" ]; then
  chmod 0755 "$RUNTIME_DIR"
fi

# Started as root, nginx's workers run as nobody, which must be able to traverse every directory on the
# way to the socket; a private parent (e.g. a 0700 mktemp directory) would make every request a 503.
if [ "$(id -u)" -eq 0 ]; then
  dir=$RUNTIME_DIR
  while [ "$dir" != / ]; do
    case $(stat -c %A "$dir") in
      ?????????[xt]) ;;
      *) invalid "RUNTIME_DIR=$RUNTIME_DIR: $dir is not searchable by others, but nginx's workers run as nobody when started as root (chmod o+x $dir, or choose another RUNTIME_DIR)" ;;
    esac
    dir=$(dirname "$dir")
  done
fi

# The entrypoint waits for the app's socket to appear, so a stale one must go first.
rm -f "$FCGI_LISTEN" "$RUNTIME_DIR/nginx.pid"
