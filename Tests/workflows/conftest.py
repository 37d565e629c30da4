"""Fixtures for the workflow tests: the AWS emulator, an environment that points the AWS CLI at it, and a
runner for the pipeline scripts that parses their key=value outputs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import REGION, REPO

FAKES = Path(__file__).resolve().parent / "fakes"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Emulator:
    """A running emulator and the control file of its CodeDeploy test double."""

    url: str
    control: Path

    def reset(self) -> None:
        """Forgets every resource (moto's reset), so tests do not see each other's."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).read()
        self.control.unlink(missing_ok=True)

    def deployments_will(self, status: str, after_polls: int = 2, **error: str) -> None:
        """Tells the CodeDeploy test double how the next polls end (see patches/codedeploy_deployments.py)."""
        control: dict[str, object] = {"status": status, "afterPolls": after_polls}
        if error:
            control["errorInformation"] = error
        self.control.write_text(json.dumps(control))

    def deployments_never_progress(self) -> None:
        self.control.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """Starts Tests/aws-emulator/start.sh on a free 127.0.0.1 port for the whole session."""
    start = Path(os.environ.get("AWS_EMULATOR_START", REPO / "Tests" / "aws-emulator" / "start.sh"))
    if not start.exists():
        pytest.fail(f"no emulator launcher at {start}")
    workdir = tmp_path_factory.mktemp("emulator")
    control = workdir / "codedeploy-control.json"
    port = free_port()
    env = dict(os.environ, FAKE_CODEDEPLOY_CONTROL=str(control), MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    log = (workdir / "emulator.log").open("w")
    process = subprocess.Popen(
        [str(start), str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL) if process.poll() is None else None
                pytest.fail(f"emulator did not start: {(workdir / 'emulator.log').read_text()[-2000:]}")
            time.sleep(0.3)
    try:
        yield Emulator(url=url, control=control)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def aws(emulator: Emulator, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for the scripts: AWS CLI pointed at a freshly reset emulator, the fake docker first on PATH,
    and no GitHub variables (so outputs go to stdout)."""
    emulator.reset()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "GITHUB_", "TF_")) and key != "DOCKER_HOST"
    }
    env.update(
        AWS_ENDPOINT_URL=emulator.url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_PAGER="",
        PATH=f"{FAKES}{os.pathsep}{env.get('PATH', '')}",
        FAKE_DOCKER_LOG=str(tmp_path / "docker.log"),
    )
    yield env


