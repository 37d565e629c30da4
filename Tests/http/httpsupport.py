"""Runs the real entrypoint (nginx + FCGIApp) for the HTTP-level tests and talks HTTP to it.

Every server gets a free 127.0.0.1 port and its own RUNTIME_DIR in a temporary directory; waits are
bounded, and stop() always ends every process the server started (found through /proc), so a failing
test leaves nothing behind.
"""

import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "support"))

from httpclient import Response, free_port, get, port_closed, raw_request, request  # noqa: E402,F401

ENTRYPOINT = REPO / "scripts" / "entrypoint.sh"

# Inherited settings that would change what the tests expect; each server sets its own.
_OWN_VARIABLES = (
    "PORT",
    "LISTEN_HOST",
    "BASE_PATH",
    "IMAGE",
    "RUNTIME_DIR",
    "APP_HOME",
    "FCGIAPP_BIN",
    "NGINX_BIN",
    "FCGI_LISTEN",
    "FCGI_WORKERS",
    "FCGI_BACKLOG",
    "STRESS_MAX_SECONDS",
    "QUIET",
    "NGINX_WORKER_PROCESSES",
    "NGINX_WORKER_CONNECTIONS",
    "NGINX_UPSTREAM_KEEPALIVE",
    "NGINX_STRESS_RATE",
    "NGINX_STRESS_BURST",
    "NGINX_ACCESS_LOG",
    "LAME_DUCK_SECONDS",
)

TEST_IMAGE = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend@sha256:" + "ab" * 32


def fcgiapp_bin() -> Path:
    """The release binary scripts/test-http.sh builds (FCGIAPP_BIN overrides)."""
    return Path(os.environ.get("FCGIAPP_BIN") or REPO / ".build" / "release" / "FCGIApp")


# MARK: processes


def _stat(pid: int):
    """(ppid, start time, comm, state) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            line = f.read().decode("latin-1")
    except OSError:
        return None
    comm = line[line.index("(") + 1 : line.rindex(")")]
    fields = line[line.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[19]), comm, fields[0]


def descendants(root: int) -> dict:
    """{pid: (start time, comm)} of every live process under root (nginx workers included)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info and info[3] != "Z":
                children.setdefault(info[0], []).append((int(entry), info[1], info[2]))
    found, todo = {}, [root]
    while todo:
        for pid, start, comm in children.get(todo.pop(), []):
            found[pid] = (start, comm)
            todo.append(pid)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().decode("latin-1").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """The entrypoint with real nginx and FCGIApp on 127.0.0.1:<free port>.

    env overrides the defaults below; user runs it as another user (root only), owning its stdout and
    stderr files unless user_owns_stdio is false; app replaces FCGIApp; nofile sets the soft limit of
    open files it starts with (as a container engine would), the hard limit staying as it is.
    """

    def __init__(self, env=None, user=None, app=None, user_owns_stdio=True, nofile=None):
        self.overrides = dict(env or {})
        self.user = user
        self.user_owns_stdio = user_owns_stdio
        self.app = app
        self.nofile = nofile
        self.proc = None
        self.port = None
        self.tracked = {}

    # MARK: start

    def start(self, wait: bool = True) -> "Server":
        self.root = Path(tempfile.mkdtemp(prefix="fcgi-http-"))
        # When the tests run as root, nginx's workers run as nobody and must reach RUNTIME_DIR.
        self.root.chmod(0o755)
        self.runtime_dir = self.root / "run"
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in _OWN_VARIABLES}
        env.update(
            {
                "PORT": str(self.port),
                "LISTEN_HOST": "127.0.0.1",
                "RUNTIME_DIR": str(self.runtime_dir),
                "APP_HOME": str(REPO),
                "FCGIAPP_BIN": str(self.app or fcgiapp_bin()),
                "IMAGE": TEST_IMAGE,
            }
        )
        env.update(self.overrides)
        self.stdout = open(self.root / "stdout.log", "wb")
        self.stderr = open(self.root / "stderr.log", "wb")
        command = [str(ENTRYPOINT)]
        if self.user:
            # As runc does for a container's user: the user owns its stdio (nginx reopens /dev/stdout).
            for path in (self.root / "stdout.log", self.root / "stderr.log"):
                if self.user_owns_stdio:
                    shutil.chown(path, self.user)
                else:
                    path.chmod(0o666 if path.name == "stderr.log" else 0o644)
            self.runtime_dir.mkdir()
            shutil.chown(self.runtime_dir, self.user)
            account = pwd.getpwnam(self.user)
            command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--clear-groups", *command]
        if self.nofile:
            # prlimit execs the command with the new limit (no preexec_fn, unsafe with threads).
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            command = ["prlimit", f"--nofile={self.nofile}:{hard}", *command]
        self.proc = subprocess.Popen(
            command, env=env, stdout=self.stdout, stderr=self.stderr, stdin=subprocess.DEVNULL, start_new_session=True
        )
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"entrypoint exited {self.proc.returncode}:\n{self.stderr_text()}")
            try:
                if get(self.port, "/health", timeout=2).status == 200:
                    self.track()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"no healthy answer within {timeout} s:\n{self.stderr_text()}")

    # MARK: inspect

    def stderr_text(self) -> str:
        self.stderr.flush()
        return (self.root / "stderr.log").read_text(errors="replace")

    def stdout_text(self) -> str:
        return (self.root / "stdout.log").read_text(errors="replace")

    def stdout_bytes(self) -> bytes:
        """stdout as written (nginx's access log), without decoding."""
        return (self.root / "stdout.log").read_bytes()

    def track(self) -> None:
        """Remembers every process under the entrypoint, for stop() and the leftover checks."""
        if self.proc and self.proc.poll() is None:
            self.tracked.update(descendants(self.proc.pid))

    def child(self, comm: str) -> int:
        for pid, (_, name) in descendants(self.proc.pid).items():
            if name == comm:
                return pid
        raise AssertionError(f"no {comm} process under the entrypoint")

    def app_pid(self) -> int:
        return self.child("FCGIApp")

    def nginx_master_pid(self) -> int:
        return int((self.runtime_dir / "nginx.pid").read_text())

    def leftovers(self) -> list:
        """Tracked processes still running (same pid and start time)."""
        alive = []
        for pid, (start, comm) in self.tracked.items():
            info = _stat(pid)
            if info and info[1] == start and info[3] != "Z":
                alive.append((pid, comm))
        return alive

    def wait_exit(self, timeout: float):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    # MARK: stop

    def stop(self) -> None:
        """SIGTERM, a bounded wait, then SIGKILL for anything left."""
        if self.proc is None:
            return
        self.track()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.wait_exit(12) is None:
                self.proc.kill()
                self.proc.wait(5)
        for pid, _ in self.leftovers():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)
        self.proc = None
