"""The running image answers the API contract on 127.0.0.1, as a non-root user on a read-only root."""

from __future__ import annotations

import re

from dockerctl import TEST_IMAGE_URI, Container, docker, get, request


def test_host_reports_image_and_container_hostname(app: Container) -> None:
    """/dev/host: 200 JSON with the IMAGE passed in and the container's own hostname."""
    resp = get(app.port, "/dev/host")
    assert resp.status == 200, resp.body
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert body["imageUri"] == TEST_IMAGE_URI
    assert body["hostname"] == app.hostname
    assert re.fullmatch(r"Request handled by backend at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["message"])


def test_health_is_ok(app: Container) -> None:
    """/health: 200 {"status":"ok"}."""
    resp = get(app.port, "/health")
    assert resp.status == 200
    assert resp.json() == {"status": "ok"}


def test_unknown_path_is_json_404(app: Container) -> None:
    """An unknown path, and the host route under another base path, give 404 with a JSON error."""
    for path in ("/dev/nope", "/prod/host", "/nope"):
        resp = get(app.port, path)
        assert resp.status == 404, path
        assert resp.headers["content-type"].startswith("application/json"), path
        assert "error" in resp.json(), path


def test_other_methods_are_json_405(app: Container) -> None:
    """POST and DELETE give 405 with a JSON error and Allow: GET, HEAD."""
    for method in ("POST", "DELETE"):
        resp = request(app.port, method, "/dev/host")
        assert resp.status == 405, method
        assert resp.headers.get("allow") == "GET, HEAD", method
        assert "error" in resp.json(), method


def test_head_has_headers_and_no_body(app: Container) -> None:
    """HEAD /health: 200, Content-Length of the GET body, no body."""
    resp = request(app.port, "HEAD", "/health")
    assert resp.status == 200
    assert resp.body == b""
    assert int(resp.headers["content-length"]) == len(get(app.port, "/health").body)


def test_runs_as_non_root_on_read_only_root(app: Container) -> None:
    """Every process runs as a non-root user; the root filesystem cannot be written, /tmp can."""
    processes = app.processes()
    names = {comm for _, _, comm in processes}
    assert {"FCGIApp", "nginx", "tini"} <= names, processes
    assert all(uid != 0 for _, uid, _ in processes), processes
    assert app.inspect("{{.HostConfig.ReadonlyRootfs}}") == "true"
    denied = docker("exec", app.name, "sh", "-c", "touch /opt/fcgiapp/x", check=False)
    assert denied.returncode != 0 and "Read-only file system" in denied.stderr, denied.stderr
    docker("exec", app.name, "sh", "-c", "touch /tmp/writable && rm /tmp/writable")


def test_image_metadata(image: str) -> None:
    """The image declares a numeric non-root user, port 3000, a health check and OCI labels."""
    config = docker(
        "image",
        "inspect",
        "--format",
        "{{.Config.User}}|{{json .Config.ExposedPorts}}|{{json .Config.Healthcheck.Test}}",
        image,
    )
    user, ports, health = config.stdout.strip().split("|")
    assert user.split(":")[0].isdigit() and user.split(":")[0] != "0", user
    assert "3000/tcp" in ports
    assert "healthcheck" in health
    labels = docker("image", "inspect", "--format", "{{json .Config.Labels}}", image).stdout
    assert '"org.opencontainers.image.version"' in labels
    assert '"org.opencontainers.image.source"' in labels
