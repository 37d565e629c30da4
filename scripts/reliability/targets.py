"""What the rows run against: the app as `make run` starts it (the entrypoint with nginx and FCGIApp, through
Tests/http/httpsupport.Server), or the image on a Docker engine (through Tests/container/dockerctl). Both
are context managers that always stop what they started."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "http"))
sys.path.insert(0, str(REPO / "Tests" / "container"))

import dockerctl  # noqa: E402
from httpsupport import Server, descendants  # noqa: E402


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as f:
        return int(f.read().decode("latin-1").rsplit(")", 1)[1].split()[1])


class Local:
    """scripts/entrypoint.sh as `make run` runs it (RUNTIME_DIR, APP_HOME, FCGIAPP_BIN set the same way) on
    a free 127.0.0.1 port, started with the open-files limit `make run` would have had."""

    kind = "make run"

    def __init__(self, env: dict, nofile: int):
        self.server = Server(env=env, nofile=nofile)

    def __enter__(self) -> "Local":
        self.server.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.stop()

    @property
    def port(self) -> int:
        return self.server.port

    def app_pid(self) -> int:
        return self.server.app_pid()

    def nginx_pids(self) -> list:
        master = self.server.nginx_master_pid()
        return [master, *descendants(master)]

    def nginx_master_pid(self) -> int:
        return self.server.nginx_master_pid()

    def terminate(self) -> None:
        """SIGTERM to the supervisor, as tini forwards ECS's stop."""
        self.server.proc.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout: float):
        return self.server.wait_exit(timeout)


def engine_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class Container:
    """The image run read-only on a free 127.0.0.1 port (dockerctl.run_container), healthy before use."""

    kind = "container"

    def __init__(self, image: str, env: dict):
        self.image = image
        self.env = env
        self.container = None

    def __enter__(self) -> "Container":
        self.container = dockerctl.run_container(self.image, env=self.env, kind="reliability")
        self.container.wait_healthy(timeout=60)
        return self

    def __exit__(self, *_exc) -> None:
        if self.container is not None:
            self.container.remove()

    @property
    def port(self) -> int:
        return self.container.port

    def _pids(self, comm: str) -> list:
        return [pid for pid, _, name in self.container.processes() if name == comm]

    def app_pid(self) -> int:
        return self._pids("FCGIApp")[0]

    def nginx_master_pid(self) -> int:
        pids = self._pids("nginx")
        return next(pid for pid in pids if _parent(pid) not in pids)

    def terminate(self) -> None:
        """SIGTERM to the container's PID 1 (tini), as `docker stop` and ECS send it."""
        dockerctl.docker("kill", "--signal", "TERM", self.container.name)

    def wait_exit(self, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.container.state()
            if not state["Running"]:
                return state["ExitCode"]
            time.sleep(0.02)
        return None


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
