"""Puts scripts/scale on sys.path so the tests import the same `scaling` package the tools run, and serves
moto in-process (one server per session) for the tests that talk to an emulated AWS: in this process, not
as Tests/aws-emulator's separate one, because the rehearsal sets ECS's running counts on moto's backend
objects (moto runs no tasks)."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts" / "scale"))
sys.path.insert(0, str(REPO / "Tests" / "support"))


@pytest.fixture(scope="session")
def endpoint():
    """URL of moto served in-process on a free port; each test uses its own region to stay apart."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
