#!/usr/bin/env bash
# Run by entrypoint.sh as a child (it exports nothing), after `FCGIApp preflight`. Creates RUNTIME_DIR,
# the one writable directory (config, pid, temp files, socket), and clears what a previous run left
# there. These checks stay in shell: they are about the filesystem, not the settings' values.
set -euo pipefail
# shellcheck source=scripts/entrypoint.d/lib/log.sh
. "${BASH_SOURCE[0]%/*}/lib/log.sh"

# It may sit in a shared /tmp under a predictable name (`make run` uses /tmp/fcgiapp-<uid>-<port>), so
# an existing one must be ours alone: a symlink, another user's directory or one others can write to
# would let them plant the socket, the config or the temp files, or swap them under us. Refused, never
# repaired: what is already inside cannot be trusted.
[ ! -L "$RUNTIME_DIR" ] || invalid "RUNTIME_DIR=$RUNTIME_DIR is a symlink; use a real directory owned by $(id -un)"
if [ ! -e "$RUNTIME_DIR" ]; then
  mkdir -p "$RUNTIME_DIR" || invalid "cannot create RUNTIME_DIR=$RUNTIME_DIR"
  # Ours and new, so the umask's group-write (e.g. 002) is ours to drop rather than a reason to refuse.
  [ ! -O "$RUNTIME_DIR" ] || [ -L "$RUNTIME_DIR" ] || chmod 0755 "$RUNTIME_DIR"
fi
[ ! -L "$RUNTIME_DIR" ] || invalid "RUNTIME_DIR=$RUNTIME_DIR is a symlink; use a real directory owned by $(id -un)"
[ -d "$RUNTIME_DIR" ] || invalid "RUNTIME_DIR=$RUNTIME_DIR is not a directory"
[ -O "$RUNTIME_DIR" ] ||
  invalid "RUNTIME_DIR=$RUNTIME_DIR is owned by $(stat -c %U "$RUNTIME_DIR"), not $(id -un); remove it or choose another RUNTIME_DIR"
case $(stat -c %A "$RUNTIME_DIR") in
  ?????w???? | ????????w?)
    invalid "RUNTIME_DIR=$RUNTIME_DIR is writable by others ($(stat -c %A "$RUNTIME_DIR")); chmod go-w it, or remove it and let the entrypoint create it"
    ;;
esac
[ -w "$RUNTIME_DIR" ] || invalid "RUNTIME_DIR=$RUNTIME_DIR is not writable by $(id -un)"
# nginx workers may run as another user (nobody, when the master is root) and must reach the socket.
chmod 0755 "$RUNTIME_DIR"

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

# The entrypoint waits for the app's socket to appear, so a stale one must go first; a lame-duck flag
# left by a run that was killed mid-stop would make nginx start as a lame duck.
rm -f "$FCGI_LISTEN" "$RUNTIME_DIR/nginx.pid" "$RUNTIME_DIR/lame-duck.on"
