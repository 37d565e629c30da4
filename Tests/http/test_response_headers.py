"""Every answer says not to cache it or sniff its type; a 429 says when to retry; stop is never rate-limited."""

import math
import time

import pytest
from httpsupport import get, raw_request, request

# (method, path, headers, expected status): every kind of answer under the base path, the app's and nginx's.
ANSWERS = [
    ("GET", "/dev/host", {}, 200),
    ("HEAD", "/dev/host", {}, 200),
    ("HEAD", "/dev/stress-cpu/50/1", {}, 200),
    ("GET", "/dev/stress-cpu/x/1", {}, 400),
    ("GET", "/dev/nope", {}, 404),
    ("GET", "/dev", {}, 404),
    ("POST", "/dev/host", {}, 405),
    ("GET", "/dev/" + "a" * 10000, {}, 414),
    ("GET", "/dev/host", {"X-Big": "a" * 10000}, 431),
    ("GET", "/health", {}, 200),
    ("GET", "/status", {}, 200),
    ("GET", "/nope", {}, 404),
]


def assert_safe_headers(r):
    assert r.header("Cache-Control") == "no-store", r.headers
    assert r.header("X-Content-Type-Options") == "nosniff", r.headers


@pytest.mark.parametrize("method,path,headers,status", ANSWERS, ids=[f"{m}-{p[:24]}-{s}" for m, p, _, s in ANSWERS])
def test_answers_are_not_cached_or_sniffed(server, method, path, headers, status):
    r = request(server.port, method, path, headers=headers)
    assert r.status == status, (path, r.status, r.body[:200])
    assert_safe_headers(r)


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n" + b"x" * 20000,
    ],
    ids=["garbage", "transfer-encoding", "body-too-large"],
)
def test_errors_before_routing_are_not_cached_or_sniffed(server, raw):
    r = raw_request(server.port, raw)
    assert 400 <= r.status < 500, r.status
    assert_safe_headers(r)


def slot_seconds(rate: str) -> float:
    """Seconds between two requests at an nginx rate such as 2r/s or 1r/m."""
    count, unit = rate.split("r/")
    return (1 if unit == "s" else 60) / int(count)


@pytest.mark.parametrize("rate", ["1r/s", "1r/m", "7r/m"])
def test_429_says_when_to_retry(make_server, rate):
    # A burst of 1 (nginx refuses burst=0): two starts pass, the third is refused.
    s = make_server(env={"NGINX_STRESS_RATE": rate, "NGINX_STRESS_BURST": "1"}).start()
    assert [request(s.port, "HEAD", "/dev/stress-cpu/50/1").status for _ in range(2)] == [200, 200]
    r = get(s.port, "/dev/stress-cpu/50/1")
    assert r.status == 429
    assert_safe_headers(r)
    retry_after = r.header("Retry-After")
    # delay-seconds (RFC 9110, 10.2.3): a whole number, at least the time until the next slot frees.
    assert retry_after is not None and retry_after.isdigit(), r.headers
    assert int(retry_after) >= math.ceil(slot_seconds(rate)), retry_after
    if int(retry_after) <= 2:
        time.sleep(int(retry_after))
        assert request(s.port, "HEAD", "/dev/stress-cpu/50/1").status == 200


def test_only_429_carries_retry_after(server):
    assert get(server.port, "/dev/host").header("Retry-After") is None
    assert get(server.port, "/dev/nope").header("Retry-After") is None


@pytest.mark.parametrize("stop", ["/dev/stress-cpu/0/1", "/dev/stress-cpu/%30/1", "/dev//stress-cpu/0/1"])
def test_stop_is_never_rate_limited(make_server, stop):
    s = make_server(env={"NGINX_STRESS_RATE": "1r/m", "NGINX_STRESS_BURST": "1"}).start()
    statuses = [request(s.port, "HEAD", "/dev/stress-cpu/50/1").status for _ in range(4)]
    assert statuses == [200, 200, 429, 429], statuses
    for _ in range(5):
        r = get(s.port, stop)
        assert r.status == 200, (r.status, r.body)
        assert r.json()["message"] == "Stopped CPU stress"
    # Stops do not use up the limit either way: a start is still refused, not let through.
    assert request(s.port, "HEAD", "/dev/stress-cpu/50/1").status == 429
