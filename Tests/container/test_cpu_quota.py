"""The stress endpoint loads the container's CPU quota, not the host's CPUs (as on a Fargate task)."""

from __future__ import annotations

import time

from dockerctl import get, record

QUOTA_CPUS = 0.5
PERCENT = 50
SECONDS = 10


def wait_answering(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(port, "/health", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"nothing answered /health on port {port} within {timeout}s")


def test_stress_uses_percent_of_cpu_quota(start) -> None:
    """--cpus 0.5, stress-cpu/50/10: the cgroup's CPU over the job is 50 % +-5 points of the quota."""
    # No Docker health check here: each one is a `docker exec`, whose ~20 ms of runc CPU is charged to
    # the container's cgroup (4 points of a 0.5 CPU quota at a 1 s interval) and is not the app's load.
    container = start(env={"IMAGE": "cpu-test"}, extra=["--cpus", str(QUOTA_CPUS), "--no-healthcheck"])
    wait_answering(container.port)
    time.sleep(1)  # past start-up work

    # The window is the job itself: the app's feedback loop catches up after any moment the (shared)
    # machine starves it, so the whole job is what must average out to the requested share.
    used_before, at_before = container.cpu_usage_seconds(), time.monotonic()
    resp = get(container.port, f"/dev/stress-cpu/{PERCENT}/{SECONDS}")
    assert resp.status == 200, resp.body
    job = resp.json()
    assert job["percent"] == PERCENT and job["seconds"] == SECONDS
    assert abs(job["cpusAllowed"] - QUOTA_CPUS) < 0.01, job
    time.sleep(at_before + SECONDS - time.monotonic())
    used_after, at_after = container.cpu_usage_seconds(), time.monotonic()

    percent_of_quota = 100 * (used_after - used_before) / ((at_after - at_before) * QUOTA_CPUS)
    record("stress_50_percent_of_quota", round(percent_of_quota, 1))
    assert abs(percent_of_quota - PERCENT) <= 5, f"{percent_of_quota:.1f} % of the quota"
