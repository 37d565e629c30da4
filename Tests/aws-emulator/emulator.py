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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


@dataclass
class Emulator:
    """A running emulator on 127.0.0.1:port (process pid), serving every region."""

    port: int
    pid: int
    region: str = "eu-west-2"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, region: str = "eu-west-2", timeout: int = 60) -> "Emulator":
        env = dict(os.environ, AWS_EMULATOR_START_TIMEOUT=str(timeout))
        out = subprocess.run([str(HERE / "start.sh"), "0"], env=env, check=True, capture_output=True,
                             text=True, timeout=timeout + 10)
        port, pid = out.stdout.split()
        return cls(port=int(port), pid=int(pid), region=region)

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region, **CREDENTIALS)

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

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
