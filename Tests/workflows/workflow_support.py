"""Helpers shared by the workflow tests: running pipeline scripts and the AWS CLI against the emulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "aws-emulator"))
sys.path.insert(0, str(REPO / "Tests" / "support"))

from emulator import (  # noqa: E402  (the emulator's own helpers)
    Emulator,
    administrator_credentials,
    web_identity_credentials,
)

REGION = "eu-west-2"
ACCOUNT = "123456789012"
FAKES = Path(__file__).resolve().parent / "fakes"


def console_link(deployment_id: str) -> str:
    """The Markdown link the job summaries give a CodeDeploy deployment (scripts/pipeline/lib/common.sh)."""
    return (
        f"[{deployment_id}](https://{REGION}.console.aws.amazon.com/codesuite/codedeploy/deployments/"
        f"{deployment_id}?region={REGION})"
    )


@dataclass
class WorkflowEmulator(Emulator):
    """The shared emulator (Tests/aws-emulator/emulator.py) plus the control file of its CodeDeploy test double."""

    control: Path = Path("/nonexistent")

    def reset(self) -> None:
        """Forgets every resource and every instruction to the CodeDeploy test double."""
        super().reset()
        self.control.unlink(missing_ok=True)

    def deployments_will(self, status: str, after_polls: int = 2, **error: str) -> None:
        """Tells the CodeDeploy test double how the next polls end (see patches/codedeploy_deployments.py)."""
        control: dict[str, object] = {"status": status, "afterPolls": after_polls}
        if error:
            control["errorInformation"] = error
        self.control.write_text(json.dumps(control))

    def deployments_never_progress(self) -> None:
        self.control.unlink(missing_ok=True)

    def administrator(self, env: dict[str, str]) -> dict[str, str]:
        """`env` signed as a new IAM user with AdministratorAccess (who applies the bootstrap root by hand)."""
        return dict(env, **administrator_credentials(self.client("iam", env)))

    def deploy_role(self, env: dict[str, str], role_arn: str) -> dict[str, str]:
        """`env` signed as the deploy role, assumed the way the workflows do (see web_identity_credentials for
        what is faked: the OIDC token)."""
        return dict(env, **web_identity_credentials(self.client("sts", env), role_arn))


def scripts_env(emulator: WorkflowEmulator, docker_log: Path) -> dict[str, str]:
    """Environment for the scripts: AWS CLI pointed at the emulator, the fake docker first on PATH, and no
    GitHub, AWS or Terraform variables from the caller (so outputs go to stdout and nothing real is reached)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "GITHUB_", "TF_")) and key != "DOCKER_HOST"
    }
    env.update(
        AWS_ENDPOINT_URL=emulator.endpoint,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
        PATH=f"{FAKES}{os.pathsep}{env.get('PATH', '')}",
        FAKE_DOCKER_LOG=str(docker_log),
        # What the image job's environment gets from build-platform.sh (the rehearsal derives it itself).
        DOCKER_BUILD_PLATFORM="linux/amd64",
    )
    return env


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


def state_backend(aws: dict[str, str], endpoint: str, bucket: str, path: Path) -> Path:
    """A Terraform state bucket in the emulator and, at `path`, the S3 backend configuration that points at it
    (Tests/terraform/backend.hcl.tpl); returns `path`."""
    aws_cli(
        aws,
        "s3api",
        "create-bucket",
        "--bucket",
        bucket,
        "--create-bucket-configuration",
        f"LocationConstraint={REGION}",
    )
    template = (REPO / "Tests" / "terraform" / "backend.hcl.tpl").read_text()
    path.write_text(template.replace("@BUCKET@", bucket).replace("@REGION@", REGION).replace("@ENDPOINT@", endpoint))
    return path


def docker_calls(env: dict[str, str]) -> list[str]:
    path = Path(env["FAKE_DOCKER_LOG"])
    return path.read_text().splitlines() if path.exists() else []


def require_tools(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        pytest.fail(f"missing tools: {', '.join(missing)}")
