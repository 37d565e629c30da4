"""The stress route's input table through nginx, and the rate limit in front of it."""

import pytest
from httpsupport import get, request


@pytest.mark.parametrize(
    "path,wrong",
    [
        ("/dev/stress-cpu/+50/1", "percent"),
        ("/dev/stress-cpu/-5/1", "percent"),
        ("/dev/stress-cpu/50.5/1", "percent"),
        ("/dev/stress-cpu/1e2/1", "percent"),
        ("/dev/stress-cpu/0x10/1", "percent"),
        ("/dev/stress-cpu/%2050/1", "percent"),
        ("/dev/stress-cpu/50%20/1", "percent"),
        ("/dev/stress-cpu/5%200/1", "percent"),
        ("/dev/stress-cpu/101/1", "percent"),
        ("/dev/stress-cpu/99999999999999999999999/1", "percent"),
        ("/dev/stress-cpu/abc/1", "percent"),
        ("/dev/stress-cpu/%EF%BC%95/1", "percent"),  # fullwidth digit five
        ("/dev/stress-cpu//1", "seconds"),  # nginx merges the slashes: 1 is the percent
        ("/dev/stress-cpu/", "percent"),
        ("/dev/stress-cpu", "percent"),
        ("/dev/stress-cpu/50", "seconds"),
        ("/dev/stress-cpu/50/", "seconds"),
        ("/dev/stress-cpu/50/0", "seconds"),
        ("/dev/stress-cpu/50/-1", "seconds"),
        ("/dev/stress-cpu/50/1.5", "seconds"),
        ("/dev/stress-cpu/50/1e3", "seconds"),
        ("/dev/stress-cpu/50/%201", "seconds"),
        ("/dev/stress-cpu/50/901", "seconds"),
        ("/dev/stress-cpu/50/99999999999999999999999", "seconds"),
        ("/dev/stress-cpu/0/0", "seconds"),
        ("/dev/stress-cpu/50/1/extra", "after"),
        ("/dev/stress-cpu/50/1/", "after"),
    ],
)
def test_bad_input_is_400_naming_the_problem(server, path, wrong):
    r = get(server.port, path)
    assert r.status == 400, (path, r.status, r.body)
    assert r.header("Content-Type") == "application/json"
    error = r.json()["error"]
    assert wrong in error, (path, error)


def test_valid_request_starts_and_zero_stops(server):
    r = get(server.port, "/dev/stress-cpu/1/2")
    assert r.status == 200
    body = r.json()
    assert body["message"] == "Simulating 1% CPU usage for 2 seconds"
    assert body["percent"] == 1 and body["seconds"] == 2
    assert body["host"]
    assert get(server.port, "/status").json()["stress"] is not None
    r = get(server.port, "/dev/stress-cpu/0/1")
    assert r.status == 200
    assert r.json()["message"] == "Stopped CPU stress"
    assert get(server.port, "/status").json()["stress"] is None


def test_max_seconds_follows_the_setting(make_server):
    s = make_server(env={"STRESS_MAX_SECONDS": "5"}).start()
    assert get(s.port, "/dev/stress-cpu/0/5").status == 200
    assert get(s.port, "/dev/stress-cpu/0/6").status == 400


def test_rate_limit_answers_429_json(make_server):
    s = make_server(env={"NGINX_STRESS_RATE": "1r/m", "NGINX_STRESS_BURST": "2"}).start()
    # HEAD checks a start without running it; stops (percent 0) are never limited.
    statuses = [request(s.port, "HEAD", "/dev/stress-cpu/50/1").status for _ in range(6)]
    # One at the rate plus a burst of two; the rest within the same minute are refused.
    assert statuses == [200, 200, 200, 429, 429, 429]
    r = get(s.port, "/dev/stress-cpu/50/1")
    assert r.status == 429
    assert r.header("Content-Type") == "application/json"
    assert "error" in r.json()
    # Only stress is limited.
    assert get(s.port, "/dev/host").status == 200


def test_default_rate_limit_allows_a_burst(make_server):
    s = make_server().start()
    statuses = [request(s.port, "HEAD", "/dev/stress-cpu/50/1").status for _ in range(12)]
    assert statuses[:6] == [200] * 6
    assert 429 in statuses
