"""Hostile clients cannot starve normal ones: slow headers (slowloris), a pipelining flood, bodies.

Short versions for `make test`; `python3 Tests/http/hostile.py` runs the full-size cases by hand. The
server starts with a soft open-files limit of 1024, what Docker 29 (containerd 2.1.5) gives a container
(moby/moby#51485), while Fargate gives 65535 (ECS API Reference, "Ulimit").
"""

import re
import resource
import socket
import time

import hostile
import pytest
from httpsupport import raw_request

CONTAINER_SOFT_NOFILE = 1024


def nginx_seconds(server, directive: str) -> int:
    """A `<directive> <N>s;` value from the rendered nginx.conf."""
    text = (server.runtime_dir / "nginx.conf").read_text()
    return int(re.search(rf"^\s*{directive}\s+(\d+)s;", text, re.MULTILINE).group(1))


@pytest.fixture
def hostile_server(make_server):
    """A server as in a container, with the default settings (NGINX_WORKER_CONNECTIONS derived by preflight, 8,385
    with somaxconn 4096: with 1024, 2,000 slow connections or 500 flooding ones, each also holding an app
    connection, take every slot); the test process may open enough sockets for the attacker."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 4096:
        pytest.skip(f"the attacker needs ~1,500 open files; the hard limit here is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        yield make_server(nofile=CONTAINER_SOFT_NOFILE).start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_slow_headers_do_not_starve_normal_clients(hostile_server):
    s = hostile_server
    result, attackers = hostile.under_attack([("slowloris", 1200)], s.port, 12)
    attacker = attackers["slowloris"]
    assert result.ratio >= 0.99, (result, attacker)
    # Each slow request is cut off once its whole header has taken client_header_timeout, however
    # often it sends a line: a slot is never held for longer.
    limit = nginx_seconds(s, "client_header_timeout")
    assert attacker["closed_by_server"] >= 1200, attacker
    assert attacker["longest_open_s"] <= limit + 1.5, attacker


def test_pipelining_flood_does_not_starve_normal_clients(hostile_server):
    s = hostile_server
    result, attackers = hostile.under_attack([("flood", 600)], s.port, 10)
    assert result.ratio >= 0.99, (result, attackers)
    assert attackers["flood"]["answers"] > 0, attackers


def test_slow_and_flooding_clients_together(hostile_server):
    """Every ten seconds the slow clients' requests time out together and all reconnect at once, while
    the flood keeps nginx's event loop busy: normal clients must still get in."""
    result, attackers = hostile.under_attack([("slowloris", 1200), ("flood", 300)], hostile_server.port, 14)
    assert result.ratio >= 0.99, (result, attackers)
    # A SYN dropped from a full listen queue is retried after 1 s: a slower answer means it overflowed.
    assert result.worst_s < 1.0, (result, attackers)


@pytest.mark.parametrize(
    "body_headers", [b"Content-Length: 100", b"Content-Length: 16000", b"Transfer-Encoding: chunked"]
)
@pytest.mark.parametrize(
    "method,path",
    [(b"GET", b"/dev/host"), (b"HEAD", b"/dev/host"), (b"GET", b"/health"), (b"GET", b"/dev/stress-cpu/0/1")],
)
def test_request_bodies_are_refused_unread(server, method, path, body_headers):
    """GET and HEAD take no body (RFC 9110, 9.3.1): one is refused with a 413 before it is read, so a
    client cannot hold a connection by sending it slowly."""
    r = raw_request(server.port, method + b" " + path + b" HTTP/1.1\r\nHost: a\r\n" + body_headers + b"\r\n\r\n")
    assert r.status == 413, (r.status, r.body)
    if method == b"GET":
        assert "error" in r.json()


def test_empty_bodies_are_fine(server):
    r = raw_request(server.port, b"GET /dev/host HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
    assert r.status == 200


def test_slow_bodies_are_cut_off(make_server):
    """Connections that trickle a body (one byte every 2 s) are answered 413 and closed within
    lingering_time, however long they keep sending."""
    s = make_server().start()
    limit = nginx_seconds(s, "lingering_time")
    conns = []
    for _ in range(50):
        c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        c.sendall(b"GET /dev/host HTTP/1.1\r\nHost: a\r\nContent-Length: 16000\r\n\r\n")
        c.setblocking(False)
        conns.append([c, b"", None])
    start = time.monotonic()
    while any(closed is None for _, _, closed in conns) and time.monotonic() - start < limit + 10:
        for entry in conns:
            c, _, closed = entry
            if closed is not None:
                continue
            try:
                c.send(b"x")
                data = c.recv(4096)
                if data:
                    entry[1] += data
                else:
                    entry[2] = time.monotonic() - start
            except BlockingIOError:
                pass
            except OSError:
                entry[2] = time.monotonic() - start
        time.sleep(2)
    for c, _, _ in conns:
        c.close()
    open_for = [closed for _, _, closed in conns]
    assert all(t is not None and t <= limit + 3 for t in open_for), open_for
    assert all(got.startswith(b"HTTP/1.1 413 ") for _, got, _ in conns), [got[:20] for _, got, _ in conns]
