"""Helpers shared by the workflow tests: running pipeline scripts and the AWS CLI against the emulator."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-west-2"
ACCOUNT = "123456789012"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def outputs(self) -> dict[str, str]:
        """The key=value lines a script writes when $GITHUB_OUTPUT is not set."""
        pairs = (line.split("=", 1) for line in self.stdout.splitlines() if "=" in line)
        return {key: value for key, value in pairs}


def run(script: str, *args: str, env: dict[str, str], cwd: Path = REPO, timeout: float = 120) -> Result:
    """Runs scripts/pipeline/<script> and returns its status and output (never raises on failure)."""
    completed = subprocess.run(
        [str(cwd / "scripts" / "pipeline" / script), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def aws_cli(env: dict[str, str], *args: str) -> dict:
    """Runs the AWS CLI against the emulator and returns its JSON answer."""
    completed = subprocess.run(
        ["aws", *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if completed.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {completed.stderr[-2000:]}")
    return json.loads(completed.stdout) if completed.stdout.strip() else {}


def docker_calls(env: dict[str, str]) -> list[str]:
    path = Path(env["FAKE_DOCKER_LOG"])
    return path.read_text().splitlines() if path.exists() else []


def require_tools(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        pytest.fail(f"missing tools: {', '.join(missing)}")
