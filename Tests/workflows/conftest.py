"""Fixtures for the workflow tests: the AWS emulator for the session, and per test an environment that points
the AWS CLI at it after a reset (helpers live in workflow_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from workflow_support import WorkflowEmulator, scripts_env


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkflowEmulator]:
    """The AWS emulator on a free 127.0.0.1 port for the whole session, with the CodeDeploy test double reading
    its control file from a scratch directory."""
    workdir = tmp_path_factory.mktemp("emulator")
    control = workdir / "codedeploy-control.json"
    env = {"FAKE_CODEDEPLOY_CONTROL": str(control), "AWS_EMULATOR_LOG": str(workdir / "emulator.log")}
    try:
        emulator = WorkflowEmulator.start(timeout=120, env=env, control=control)
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def aws(emulator: WorkflowEmulator, tmp_path: Path) -> dict[str, str]:
    """scripts_env() against a freshly reset emulator."""
    emulator.reset()
    return scripts_env(emulator, tmp_path / "docker.log")
