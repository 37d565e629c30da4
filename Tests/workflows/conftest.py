"""Fixtures for the workflow tests: the AWS emulator, an environment that points the AWS CLI at it, and a
runner for the pipeline scripts that parses their key=value outputs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import REGION, REPO

FAKES = Path(__file__).resolve().parent / "fakes"


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
    """Starts the AWS emulator (Tests/aws-emulator/start.sh) on a free 127.0.0.1 port for the whole session,
    with the CodeDeploy test double reading its control file from a scratch directory."""
    start = REPO / "Tests" / "aws-emulator" / "start.sh"
    workdir = tmp_path_factory.mktemp("emulator")
    control = workdir / "codedeploy-control.json"
    env = dict(
        os.environ,
        FAKE_CODEDEPLOY_CONTROL=str(control),
        AWS_EMULATOR_LOG=str(workdir / "emulator.log"),
    )
    started = subprocess.run([str(start), "0"], env=env, capture_output=True, text=True, timeout=120, check=False)
    if started.returncode != 0:
        pytest.fail(f"the emulator did not start:\n{started.stderr[-3000:]}")
    port, pid = (int(value) for value in started.stdout.split())
    try:
        yield Emulator(url=f"http://127.0.0.1:{port}", control=control)
    finally:
        stop(pid)


def stop(pid: int, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after timeout seconds; the emulator is the only process started here."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def scripts_env(emulator: Emulator, docker_log: Path) -> dict[str, str]:
    """Environment for the scripts: AWS CLI pointed at the emulator, the fake docker first on PATH, and no
    GitHub, AWS or Terraform variables from the caller (so outputs go to stdout and nothing real is reached)."""
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
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
        PATH=f"{FAKES}{os.pathsep}{env.get('PATH', '')}",
        FAKE_DOCKER_LOG=str(docker_log),
    )
    return env


@pytest.fixture
def aws(emulator: Emulator, tmp_path: Path) -> dict[str, str]:
    """scripts_env() against a freshly reset emulator."""
    emulator.reset()
    return scripts_env(emulator, tmp_path / "docker.log")
