"""Malformed and oversized requests get a 4xx JSON answer from nginx, never a 5xx or HTML."""

import pytest
from httpsupport import get, raw_request, request


def assert_json_error(r, status):
    assert r.status == status, (r.status, r.body[:200])
    assert r.header("Content-Type") == "application/json"
    assert isinstance(r.json()["error"], str)


def test_long_uri_is_414(server):
    assert_json_error(get(server.port, "/dev/" + "a" * 10000), 414)


def test_long_uri_just_below_the_limit_is_routed(server):
    assert_json_error(get(server.port, "/dev/" + "a" * 7000), 404)


def test_huge_header_is_431(server):
    assert_json_error(get(server.port, "/dev/host", headers={"X-Big": "a" * 10000}), 431)


def test_too_many_large_headers_is_431(server):
    headers = {f"X-H{i}": "b" * 7000 for i in range(6)}
    assert_json_error(get(server.port, "/dev/host", headers=headers), 431)


def test_large_body_is_413(server):
    assert_json_error(get(server.port, "/dev/host", body=b"x" * 100_000), 413)


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /dev/host HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  # two Hosts
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        b"GET /dev/%zz HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /dev/host\x00 HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /dev/%00host HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET ../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n",
    ],
)
def test_malformed_requests_are_400_json(server, raw):
    assert_json_error(raw_request(server.port, raw), 400)


def test_http10_without_host_works(server):
    r = raw_request(server.port, b"GET /dev/host HTTP/1.0\r\n\r\n")
    assert r.status == 200


def test_head_error_has_no_body(server):
    r = request(server.port, "HEAD", "/dev/" + "a" * 10000)
    assert r.status == 414
    assert r.body == b""
