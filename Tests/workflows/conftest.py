"""Fixtures for the workflow tests: the AWS emulator for the session, and per test an environment that points
the AWS CLI at it after a reset (helpers live in workflow_support.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from workflow_support import REPO, Emulator, scripts_env


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


@pytest.fixture
def aws(emulator: Emulator, tmp_path: Path) -> dict[str, str]:
    """scripts_env() against a freshly reset emulator."""
    emulator.reset()
    return scripts_env(emulator, tmp_path / "docker.log")
