"""Runs one container of a rendered ECS task definition on the local Docker engine the way Fargate runs it,
through the Engine API (as the ECS agent does), so no `docker run` flag list is kept by hand.

What is modelled, each from AWS's documentation:
- `image` (the local image under test stands in for the registry reference: there is no registry here),
  `user`, `environment`, `readonlyRootFilesystem`, `stopTimeout` (SIGTERM, then SIGKILL after it).
- `portMappings`: each containerPort is published on 127.0.0.1 on a free port (awsvpc gives the task an
  address of its own; only the port number matters to the container).
- `mountPoints` of host-less task volumes ("Use bind mounts with Amazon ECS"): if the image declares a
  `VOLUME` at `containerPath`, the image's content and mode are copied in (a fresh Docker volume does the
  same); otherwise the container gets an empty directory owned by root, mode 0755.
- `healthCheck`: the command in exec form (`CMD`) with its interval, timeout, retries and start period.
- task `cpu`/`memory`: a CPU quota of cpu/1024 CPUs and a memory limit of `memory` MiB.
- `ulimits`: Fargate's nofile default (soft and hard 65535, "Ulimit" in the ECS API reference) unless set,
  capped at this machine's own hard limit (the engine cannot grant a container more than it has).

Not modelled: awslogs (logs stay in Docker's json-file log), awsvpc networking and security groups, the
task-level cgroup above the container (the quota is on the container's own cgroup; the app walks up
either way), platform capabilities beyond Docker's defaults.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import socket
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dockerctl import free_port
from taskdef import TaskDefinition

NAME_PREFIX = "fcgiapp-test-fargate"
FARGATE_NOFILE = 65535
# The engine runs on this machine (unix socket), so this process's hard limit is the engine's too.
LOCAL_NOFILE = min(FARGATE_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
NANOSECONDS = 1_000_000_000


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def _socket_path() -> str:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not host.startswith("unix://"):
        raise AssertionError(f"DOCKER_HOST={host}: only a unix socket engine is supported by these tests")
    return host[len("unix://") :]


def engine(
    method: str, path: str, body: Any = None, timeout: float = 120, ok: tuple[int, ...] = (200, 201, 204, 304)
) -> Any:
    """One Docker Engine API call; returns the decoded JSON answer (or None when it has no body)."""
    conn = _UnixHTTPConnection(_socket_path(), timeout)
    try:
        payload = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    if resp.status not in ok:
        raise AssertionError(f"Docker Engine API {method} {path}: {resp.status} {data.decode(errors='replace')}")
    return json.loads(data) if data else None


def image_volumes(image: str) -> set[str]:
    """The paths the image declares with VOLUME."""
    config = engine("GET", f"/images/{urllib.parse.quote(image, safe='')}/json")["Config"]
    return set((config.get("Volumes") or {}).keys())


def create_body(
    task: TaskDefinition,
    local_image: str,
    volumes_in_image: set[str],
    host_ports: dict[int, int],
    empty_dir: Callable[[], str],
    volume_name: Callable[[], str],
) -> dict[str, Any]:
    """The Engine API create request for the task's container (pure: the callables make host directories
    and volume names, so tests can check the translation without an engine)."""
    container = task.container
    task_volumes = {v["name"]: v for v in task.volumes}
    mounts = []
    for point in container.get("mountPoints", []):
        volume = task_volumes[point["sourceVolume"]]
        if (
            volume.get("host_path")
            or volume.get("efs_volume_configuration")
            or volume.get("docker_volume_configuration")
        ):
            raise AssertionError(f"volume {volume['name']}: only Fargate's host-less bind mounts are modelled")
        target = point["containerPath"]
        if target in volumes_in_image:
            mount = {"Type": "volume", "Source": volume_name(), "Target": target}
        else:
            mount = {"Type": "bind", "Source": empty_dir(), "Target": target}
        mount["ReadOnly"] = bool(point.get("readOnly", False))
        mounts.append(mount)

    exposed, bindings = {}, {}
    for mapping in container.get("portMappings", []):
        key = f"{mapping['containerPort']}/{mapping.get('protocol', 'tcp')}"
        exposed[key] = {}
        bindings[key] = [{"HostIp": "127.0.0.1", "HostPort": str(host_ports[mapping["containerPort"]])}]

    ulimits = [
        {"Name": u["name"], "Soft": u["softLimit"], "Hard": u["hardLimit"]} for u in container.get("ulimits", [])
    ]
    if not any(u["Name"] == "nofile" for u in ulimits):
        ulimits.append({"Name": "nofile", "Soft": LOCAL_NOFILE, "Hard": LOCAL_NOFILE})

    body: dict[str, Any] = {
        "Image": local_image,
        "Env": [f"{e['name']}={e['value']}" for e in container.get("environment", [])],
        "ExposedPorts": exposed,
        "HostConfig": {
            "ReadonlyRootfs": bool(container.get("readonlyRootFilesystem", False)),
            "Mounts": mounts,
            "PortBindings": bindings,
            "NanoCpus": task.cpu * NANOSECONDS // 1024,
            "Memory": task.memory * 1024 * 1024,
            "Ulimits": ulimits,
        },
    }
    if "user" in container:
        body["User"] = container["user"]
    if "stopTimeout" in container:
        body["StopTimeout"] = container["stopTimeout"]
    if "healthCheck" in container:
        check = container["healthCheck"]
        # ECS's defaults when a field is absent ("HealthCheck" in the ECS API reference).
        body["Healthcheck"] = {
            "Test": check["command"],
            "Interval": check.get("interval", 30) * NANOSECONDS,
            "Timeout": check.get("timeout", 5) * NANOSECONDS,
            "Retries": check.get("retries", 3),
            "StartPeriod": check.get("startPeriod", 0) * NANOSECONDS,
        }
    return body


@dataclass
class FargateTask:
    """A running container of the task definition; `remove()` deletes it, its volumes and directories."""

    task: TaskDefinition
    name: str
    ports: dict[int, int]
    volumes: list[str] = field(default_factory=list)
    directories: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, task: TaskDefinition, local_image: str, volumes_in_image: set[str] | None = None) -> FargateTask:
        """Creates and starts the container. volumes_in_image defaults to what the image declares; a test may
        pass another set to see what Fargate would do with an image that declares none."""
        ports = {m["containerPort"]: free_port() for m in task.container.get("portMappings", [])}
        run = cls(task, f"{NAME_PREFIX}-{uuid.uuid4().hex[:8]}", ports)

        def empty_dir() -> str:
            # Fargate's bind mount without a VOLUME in the image: empty, root-owned, 0755.
            path = tempfile.mkdtemp(prefix="fargate-bind-")
            os.chmod(path, 0o755)
            os.chown(path, 0, 0)
            run.directories.append(path)
            return path

        def volume_name() -> str:
            name = f"{run.name}-{len(run.volumes)}"
            run.volumes.append(name)
            return name

        declared = image_volumes(local_image) if volumes_in_image is None else volumes_in_image
        body = create_body(task, local_image, declared, ports, empty_dir, volume_name)
        try:
            engine("POST", f"/containers/create?name={run.name}", body)
            engine("POST", f"/containers/{run.name}/start")
        except BaseException:
            run.remove()
            raise
        return run

    @property
    def port(self) -> int:
        """The host port of the (first) container port."""
        return next(iter(self.ports.values()))

    def inspect(self) -> dict[str, Any]:
        return engine("GET", f"/containers/{self.name}/json")

    def logs(self) -> str:
        conn = _UnixHTTPConnection(_socket_path(), 30)
        try:
            conn.request("GET", f"/containers/{self.name}/logs?stdout=1&stderr=1&tail=60")
            raw = conn.getresponse().read()
        finally:
            conn.close()
        # Multiplexed stream: 8-byte frame headers (stream, 0, 0, 0, size as big-endian u32).
        out, at = [], 0
        while at + 8 <= len(raw):
            size = int.from_bytes(raw[at + 4 : at + 8], "big")
            out.append(raw[at + 8 : at + 8 + size].decode(errors="replace"))
            at += 8 + size
        return "".join(out)

    def wait_healthy(self) -> float:
        """Seconds until Docker, running the definition's own health check, reports healthy. Bounded by the
        longest a healthy task may take: start period plus (retries + 1) intervals plus a timeout."""
        check = self.task.container["healthCheck"]
        limit = (
            check.get("startPeriod", 0)
            + (check.get("retries", 3) + 1) * check.get("interval", 30)
            + check.get("timeout", 5)
        )
        started = time.monotonic()
        while time.monotonic() - started < limit:
            state = self.inspect()["State"]
            if not state["Running"]:
                raise AssertionError(f"{self.name} exited ({state['ExitCode']}):\n{self.logs()}")
            if state.get("Health", {}).get("Status") == "healthy":
                return time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError(f"{self.name} not healthy within {limit}s by its own health check:\n{self.logs()}")

    def wait_exited(self, timeout: float) -> int:
        """The exit code once the container has stopped; fails if it still runs after timeout seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.inspect()["State"]
            if not state["Running"]:
                return state["ExitCode"]
            time.sleep(0.1)
        raise AssertionError(f"{self.name} still running after {timeout}s")

    def stop(self) -> None:
        """What ECS does to stop a task: SIGTERM, then SIGKILL after the container's StopTimeout."""
        engine("POST", f"/containers/{self.name}/stop", timeout=self.task.container.get("stopTimeout", 30) + 30)

    def remove(self) -> None:
        engine("DELETE", f"/containers/{self.name}?force=1&v=1", ok=(204, 404))
        for volume in self.volumes:
            engine("DELETE", f"/volumes/{volume}", ok=(204, 404))
        for path in self.directories:
            shutil.rmtree(path, ignore_errors=True)
