"""Fixtures for the HTTP-level tests: real nginx + FCGIApp started through scripts/entrypoint.sh."""

import pytest
from httpsupport import Server, fcgiapp_bin


def pytest_configure(config):
    if not fcgiapp_bin().is_file():
        raise pytest.UsageError(f"{fcgiapp_bin()} is missing: run scripts/test-http.sh (it builds it)")


@pytest.fixture(scope="session")
def server():
    """One shared instance (BASE_PATH=dev) for tests that only read; the stress limit is lifted so the
    bad-input table is not cut short by 429s (the limit has its own test)."""
    s = Server(env={"NGINX_STRESS_RATE": "1000r/s", "NGINX_STRESS_BURST": "1000"})
    try:
        yield s.start()
    finally:
        s.stop()


@pytest.fixture
def make_server():
    """Factory for a test's own instance; every one started is stopped at the end of the test."""
    started = []

    def make(**kwargs) -> Server:
        s = Server(**kwargs)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()
