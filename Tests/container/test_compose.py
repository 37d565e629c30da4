"""docker-compose.yml: the single-app default and the replicas profile behind the load balancer."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from dockerctl import Container, docker, free_port, get

REPO = Path(__file__).resolve().parents[2]
COMPOSE_IMAGE_URI = "compose-test-image:1"


class Project:
    """A compose project with a unique name on a free port; `down` removes everything it created."""

    def __init__(self, image: str) -> None:
        self.name = f"fcgiapptest{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.env = {
            **os.environ,
            "APP_IMAGE": image,
            "APP_PORT": str(self.port),
            "IMAGE": COMPOSE_IMAGE_URI,
            "COMPOSE_PROJECT_NAME": self.name,
        }

    def compose(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["docker-compose", "-f", str(REPO / "docker-compose.yml"), *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"docker-compose {' '.join(args)}:\n{result.stderr}"
        return result

    def containers(self) -> dict[str, Container]:
        """Running containers of the project by service name."""
        ids = docker("ps", "-q", "--filter", f"label=com.docker.compose.project={self.name}").stdout.split()
        found = {}
        for cid in ids:
            name = docker("inspect", "--format", "{{.Name}}", cid).stdout.strip().lstrip("/")
            service = docker(
                "inspect", "--format", '{{index .Config.Labels "com.docker.compose.service"}}', cid
            ).stdout.strip()
            found[service] = Container(name, self.port)
        return found

    def wait_all_healthy(self, services: set[str], timeout: float = 60) -> dict[str, Container]:
        deadline = time.monotonic() + timeout
        containers = self.containers()
        while set(containers) != services and time.monotonic() < deadline:
            time.sleep(0.2)
            containers = self.containers()
        assert set(containers) == services, f"running: {sorted(containers)}"
        for container in containers.values():
            container.wait_healthy(timeout=max(1.0, deadline - time.monotonic()))
        return containers

    def down(self) -> None:
        subprocess.run(
            [
                "docker-compose",
                "-f",
                str(REPO / "docker-compose.yml"),
                "--profile",
                "replicas",
                "down",
                "--volumes",
                "--remove-orphans",
                "--timeout",
                "10",
            ],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
def project(image: str) -> Iterator[Project]:
    proj = Project(image)
    try:
        yield proj
    finally:
        proj.down()


def test_default_profile_runs_one_healthy_app(project: Project) -> None:
    """`docker-compose up`: one app, read-only, CPU-limited, healthy, answering on the published port."""
    project.compose("up", "-d", "--no-build")
    containers = project.wait_all_healthy({"app"})
    app = containers["app"]
    assert app.inspect("{{.HostConfig.ReadonlyRootfs}}") == "true"
    assert app.inspect("{{.HostConfig.NanoCpus}}") == str(10**9)
    resp = get(project.port, "/dev/host")
    assert resp.status == 200
    assert resp.json()["imageUri"] == COMPOSE_IMAGE_URI
    assert resp.json()["hostname"] == app.hostname


def test_replicas_profile_spreads_requests(project: Project) -> None:
    """`--profile replicas up lb`: three healthy replicas behind a healthy LB; 30 requests hit all three."""
    project.compose("--profile", "replicas", "up", "-d", "--no-build", "lb")
    containers = project.wait_all_healthy({"lb", "replica-1", "replica-2", "replica-3"})
    replica_hosts = {c.hostname for name, c in containers.items() if name.startswith("replica-")}

    seen = []
    for _ in range(30):
        resp = get(project.port, "/dev/host")
        assert resp.status == 200, resp.body
        seen.append(resp.json()["hostname"])
    assert set(seen) == replica_hosts, seen
