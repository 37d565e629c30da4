"""Many clients at once: every request answered 200 through nginx and the app's worker pool."""

import threading
from concurrent.futures import ThreadPoolExecutor

import keepalive
from httpsupport import get


def test_200_concurrent_requests_all_succeed(server):
    barrier = threading.Barrier(200, timeout=20)

    def one(i):
        barrier.wait()
        path = "/dev/host" if i % 4 else "/health"
        return get(server.port, path, timeout=20).status

    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200


def test_keepalive_connections_serve_many_requests(server):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(200):
            conn.request("GET", "/dev/host")
            r = conn.getresponse()
            r.read()
            assert r.status == 200
    finally:
        conn.close()


def test_256_kept_alive_connections_are_all_answered(server):
    """256 clients at once, each on one kept-alive connection for 20 requests, as the ALB holds them: every
    request is answered 200, none fails or is refused, and no connection is dropped on the way. Correctness
    only; `make reliability` measures the latency at this and larger counts."""
    result = keepalive.run(server.port, 256, requests_each=20, seconds=120)
    assert result.failed == {} and result.failed_new == {} and result.refused == 0, result
    assert result.statuses == {200: 256 * 20}, result
    assert result.connects == 256, result
