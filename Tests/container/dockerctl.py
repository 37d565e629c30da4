"""Small helpers over the docker CLI for the container tests: run a container on a free 127.0.0.1 port
with a unique name, wait for it to be healthy, talk HTTP to it, read its CPU usage, always clean up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from httpclient import Response, free_port, get, request  # noqa: E402,F401

NAME_PREFIX = "fcgiapp-test"

# What ECS passes as IMAGE: a repository URL with a digest.
TEST_IMAGE_URI = (
    "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend@sha256:" + "0123456789abcdef" * 4
)


def docker(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs `docker ARGS`, returning the completed process (text output)."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def unique_name(kind: str) -> str:
    return f"{NAME_PREFIX}-{kind}-{uuid.uuid4().hex[:8]}"


@dataclass
class Container:
    """A container started by these tests; `remove()` is idempotent and always called by the fixtures."""

    name: str
    port: int
    env: dict[str, str] = field(default_factory=dict)

    def inspect(self, template: str) -> str:
        return docker("inspect", "--format", template, self.name).stdout.strip()

    @property
    def id(self) -> str:
        return self.inspect("{{.Id}}")

    @property
    def hostname(self) -> str:
        return self.inspect("{{.Config.Hostname}}")

    def state(self) -> dict:
        return json.loads(self.inspect("{{json .State}}"))

    def logs(self) -> str:
        result = docker("logs", "--tail", "60", self.name, check=False)
        return result.stdout + result.stderr

    def processes(self) -> list[tuple[int, int, str]]:
        """(host pid, uid, command name) of every process in the container."""
        out = docker("top", self.name, "-eo", "pid,uid,comm").stdout.splitlines()[1:]
        rows = []
        for line in out:
            pid, uid, comm = line.split(None, 2)
            rows.append((int(pid), int(uid), comm.strip()))
        return rows

    def wait_healthy(self, timeout: float = 30) -> float:
        """Seconds from the container's start until Docker reports it healthy; fails if it exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if not state["Running"]:
                raise AssertionError(f"{self.name} exited ({state['ExitCode']}):\n{self.logs()}")
            if state.get("Health", {}).get("Status") == "healthy":
                log = state["Health"]["Log"]
                healthy_at = parse_docker_time(log[-1]["End"]) if log else time.time()
                return healthy_at - parse_docker_time(state["StartedAt"])
            time.sleep(0.05)
        raise AssertionError(f"{self.name} not healthy within {timeout}s:\n{self.logs()}")

    def cpu_usage_seconds(self) -> float:
        """CPU time the container's cgroup has used so far (cgroup v1 or v2, cgroupfs or systemd driver)."""
        return read_cgroup_cpu_seconds(self.id)

    def remove(self) -> None:
        docker("rm", "-f", "-v", self.name, check=False)


def parse_docker_time(value: str) -> float:
    """Docker's RFC 3339 timestamps carry nanoseconds, which datetime cannot parse: cut to microseconds."""
    head, _, frac = value.rstrip("Z").partition(".")
    frac = (frac.split("+")[0].split("-")[0] + "000000")[:6]
    return datetime.fromisoformat(f"{head}.{frac}+00:00").timestamp()


def run_container(
    image: str, env: dict[str, str] | None = None, extra: list[str] | None = None, kind: str = "app"
) -> Container:
    """`docker run -d` the image read-only (its VOLUME /tmp is the writable part, as on Fargate), published on
    a free 127.0.0.1 port."""
    container = Container(unique_name(kind), free_port(), dict(env or {}))
    args = ["run", "-d", "--name", container.name, "--read-only", "-p", f"127.0.0.1:{container.port}:3000"]
    for key, value in container.env.items():
        args += ["-e", f"{key}={value}"]
    args += list(extra or [])
    args.append(image)
    docker(*args)
    return container


def read_cgroup_cpu_seconds(container_id: str) -> float:
    root = Path("/sys/fs/cgroup")
    v1 = [
        root / "cpuacct" / "docker" / container_id / "cpuacct.usage",
        root / "cpu,cpuacct" / "docker" / container_id / "cpuacct.usage",
        root / "cpuacct" / "system.slice" / f"docker-{container_id}.scope" / "cpuacct.usage",
    ]
    for path in v1:
        if path.exists():
            return int(path.read_text()) / 1e9
    v2 = [
        root / "docker" / container_id / "cpu.stat",
        root / "system.slice" / f"docker-{container_id}.scope" / "cpu.stat",
    ]
    for path in v2:
        if path.exists():
            for line in path.read_text().splitlines():
                key, value = line.split()
                if key == "usage_usec":
                    return int(value) / 1e6
    raise AssertionError(f"no cgroup CPU accounting file found for {container_id}")


def record(name: str, value: object) -> None:
    """Appends a measurement for scripts/test-container.sh to print (not asserted)."""
    report = os.environ.get("CONTAINER_TEST_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"name": name, "value": value}) + "\n")
