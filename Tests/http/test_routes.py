"""Every route through real nginx: bodies, headers, base-path routing, 404/405, HEAD."""

import re
import socket

import pytest
from httpsupport import TEST_IMAGE, get, request

TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"


def assert_json(response):
    """Content-Type is JSON and Content-Length matches the body; returns the parsed body."""
    assert response.header("Content-Type") == "application/json", response.headers
    assert int(response.header("Content-Length")) == len(response.body)
    return response.json()


def test_health(server):
    r = get(server.port, "/health")
    assert r.status == 200
    assert assert_json(r) == {"status": "ok"}


def test_host(server):
    r = get(server.port, "/dev/host")
    assert r.status == 200
    body = assert_json(r)
    assert re.fullmatch(f"Request handled by backend at {TIMESTAMP}", body["message"]), body
    assert body["imageUri"] == TEST_IMAGE
    assert body["hostname"] == socket.gethostname()


def test_status(server):
    get(server.port, "/dev/host")
    r = get(server.port, "/status")
    assert r.status == 200
    body = assert_json(r)
    assert body["uptimeSeconds"] >= 0
    assert body["requestsServed"] >= 1
    assert 1 <= body["workers"]["busy"] <= body["workers"]["total"]
    assert "stress" in body


def test_no_server_version(server):
    r = get(server.port, "/health")
    assert r.header("Server") == "nginx"


@pytest.mark.parametrize(
    "path",
    [
        "/host",
        "/DEV/host",
        "/Dev/host",
        "/dev/HOST",
        "/dev",
        "/dev/",
        "/dev/host/",
        "/dev/nope",
        "/devx/host",
        "/x/dev/host",
        "/health/",
        "/health/x",
        "/healthz",
        "/status/x",
        "/",
        "/index.html",
        "/_error",
        "/_unavailable",
        "/@error",
        "/@unavailable",
        "/stress-cpu/50/1",
    ],
)
def test_unknown_paths_are_404_json(server, path):
    r = get(server.port, path)
    assert r.status == 404, (path, r.body)
    assert isinstance(assert_json(r)["error"], str)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])
@pytest.mark.parametrize(
    "path", ["/dev/host", "/health", "/status", "/dev/stress-cpu/0/1", "/nope", "/_error", "/_unavailable", "/@error"]
)
def test_other_methods_are_405_json_with_allow(server, method, path):
    r = request(server.port, method, path, body=b"x=1" if method in ("POST", "PUT") else None)
    assert r.status == 405, (method, path, r.body)
    assert r.header("Allow") == "GET, HEAD"
    assert "error" in assert_json(r)


@pytest.mark.parametrize(
    "path,status",
    [
        ("/dev/host", 200),
        ("/health", 200),
        ("/status", 200),
        ("/nope", 404),
        ("/dev/stress-cpu/x/1", 400),
    ],
)
def test_head_has_headers_and_no_body(server, path, status):
    r = request(server.port, "HEAD", path)
    assert r.status == status
    assert r.body == b""
    assert r.header("Content-Type") == "application/json"
    assert int(r.header("Content-Length")) > 0


def test_head_length_matches_get(server):
    got, head = get(server.port, "/dev/host"), request(server.port, "HEAD", "/dev/host")
    assert int(head.header("Content-Length")) == len(got.body)


def test_paths_are_normalised_before_routing(server):
    # nginx merges slashes and resolves dot segments; the app sees the clean path.
    assert get(server.port, "/dev//host").status == 200
    assert get(server.port, "/x/../dev/host").status == 200
    assert get(server.port, "/dev/%68ost").status == 200


def test_query_string_is_ignored(server):
    assert get(server.port, "/dev/host?a=1&b=2").status == 200


def test_custom_base_path(make_server):
    s = make_server(env={"BASE_PATH": "api_V-2"}).start()
    assert get(s.port, "/api_V-2/host").status == 200
    assert get(s.port, "/api_V-2/stress-cpu/0/1").status == 200
    for path in ("/dev/host", "/api_v-2/host", "/api_V-2", "/host"):
        assert get(s.port, path).status == 404, path
    assert get(s.port, "/health").status == 200
