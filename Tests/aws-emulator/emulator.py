"""Pytest-friendly handle on the AWS emulator: start it with start.sh, hand out boto3 clients, stop it.

from emulator import Emulator
with Emulator.start() as aws:
    aws.client("s3").create_bucket(...)
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def set_iam_enforcement(endpoint: str, on: bool) -> None:
    """On: from now on every call must come from an IAM identity whose policies allow it. This is moto's
    INITIAL_NO_AUTH_ACTION_COUNT set at run time (to 0 free calls once setup is done; off: unlimited)."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=b"0" if on else b"inf",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(request, timeout=10).read()


def administrator_credentials(iam: Any, name: str = "administrator") -> dict[str, str]:
    """Creates an IAM user with AdministratorAccess (whoever applies the bootstrap root by hand) with an
    `iam` client; returns its keys as AWS_* environment variables."""
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def web_identity_credentials(sts: Any, role_arn: str) -> dict[str, str]:
    """What a workflow's configure-aws-credentials step does: AssumeRoleWithWebIdentity with GitHub's OIDC
    token; returns the session as AWS_* environment variables. TEST DOUBLE for the token: moto accepts any
    string and does not evaluate the role's trust policy (audience, subject) for web identities, so call this
    before IAM is enforced; the trust policy is checked by the bootstrap root's plan tests only."""
    credentials = sts.assume_role_with_web_identity(
        RoleArn=role_arn,
        RoleSessionName="github-actions",
        WebIdentityToken="fake-github-oidc-token",
        DurationSeconds=3600,
    )["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }


def as_client_credentials(env: dict[str, str]) -> dict[str, str]:
    """AWS_* environment variables as boto3.client() keyword arguments."""
    names = {
        "AWS_ACCESS_KEY_ID": "aws_access_key_id",
        "AWS_SECRET_ACCESS_KEY": "aws_secret_access_key",
        "AWS_SESSION_TOKEN": "aws_session_token",
    }
    return {names[key]: value for key, value in env.items() if key in names}


@dataclass
class Emulator:
    """A running emulator on 127.0.0.1:port (process pid), serving every region."""

    port: int
    pid: int
    region: str = "eu-west-2"
    # Who client() signs as: the fake keys (anyone, while IAM is not enforced), or an IAM user's keys.
    credentials: dict[str, str] = field(default_factory=lambda: dict(CREDENTIALS))

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(
        cls, region: str = "eu-west-2", timeout: int = 60, env: dict[str, str] | None = None, **fields: Any
    ) -> Emulator:
        """Starts one on a free port; env adds variables for the emulator (e.g. a test double's control file),
        fields go to the dataclass (subclasses add their own)."""
        start_env = dict(os.environ, AWS_EMULATOR_START_TIMEOUT=str(timeout), **(env or {}))
        out = subprocess.run(
            [str(HERE / "start.sh"), "0"],
            env=start_env,
            capture_output=True,
            text=True,
            timeout=timeout + 10,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"the emulator did not start:\n{out.stderr[-3000:]}")
        port, pid = out.stdout.split()
        return cls(port=int(port), pid=int(pid), region=region, **fields)

    def client(self, service: str, env: dict[str, str] | None = None) -> Any:
        """A boto3 client signed as `credentials`, or as the AWS_* variables of env when given."""
        import boto3

        credentials = as_client_credentials(env) if env is not None else self.credentials
        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region, **credentials)

    def reset(self) -> None:
        """Forgets every resource (moto's reset), so tests do not see each other's."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def enforce_iam(self, on: bool = True) -> None:
        set_iam_enforcement(self.endpoint, on)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited within timeout seconds."""
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
