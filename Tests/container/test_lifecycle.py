"""Start, stop and failure behaviour of the container, as ECS relies on it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time

from dockerctl import docker, get, record

PARTIAL_REQUEST = b"GET /dev/host HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"


def read_response(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_becomes_healthy(start) -> None:
    """A fresh container reports healthy (the start-to-healthy time is recorded, not asserted)."""
    container = start(env={"IMAGE": "lifecycle-test"})
    seconds = container.wait_healthy()
    record("start_to_healthy_seconds", round(seconds, 2))
    assert get(container.port, "/health").status == 200


def test_stop_drains_in_flight_requests(start) -> None:
    """docker stop while requests are in flight: each completes with 200, exit code 0, within 10 s."""
    container = start(env={"IMAGE": "drain-test"})
    container.wait_healthy()

    # In flight: connections accepted by nginx whose requests are not finished when SIGTERM arrives
    # (the final blank line is sent after the stop began), so they must be served during the drain.
    in_flight = []
    for _ in range(8):
        sock = socket.create_connection(("127.0.0.1", container.port), timeout=10)
        sock.sendall(PARTIAL_REQUEST)
        in_flight.append(sock)

    # Background traffic through the stop; its late requests may be refused, never left hanging.
    stop_load = threading.Event()
    load_results: list[int] = []

    def load() -> None:
        while not stop_load.is_set():
            try:
                load_results.append(get(container.port, "/dev/host", timeout=10).status)
            except (OSError, http.client.HTTPException):
                load_results.append(-1)

    workers = [threading.Thread(target=load, daemon=True) for _ in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)

    started = time.monotonic()
    stopper = subprocess.Popen(
        ["docker", "stop", "--time", "10", container.name], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    time.sleep(0.5)  # SIGTERM delivered; nginx has stopped accepting
    responses = []
    for sock in in_flight:
        sock.sendall(b"\r\n")
        responses.append(read_response(sock))
        sock.close()
    stopper.wait(timeout=30)
    elapsed = time.monotonic() - started
    stop_load.set()
    for worker in workers:
        worker.join(timeout=15)

    for raw in responses:
        head, _, body = raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), raw[:200]
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
        )
        assert len(body) == length and b'"imageUri":"drain-test"' in body, raw
    state = container.state()
    assert stopper.returncode == 0, stopper.stderr
    assert state["ExitCode"] == 0, container.logs()
    assert elapsed < 10, f"stop took {elapsed:.1f}s"
    assert load_results.count(200) > 0
    record("stop_seconds", round(elapsed, 2))


def test_app_crash_stops_container(start) -> None:
    """Killing FCGIApp inside the container makes the container exit non-zero within 2 s."""
    container = start(env={"IMAGE": "crash-test"})
    container.wait_healthy()
    pids = [pid for pid, _, comm in container.processes() if comm == "FCGIApp"]
    assert len(pids) == 1, container.processes()

    waiter = subprocess.Popen(["docker", "wait", container.name], stdout=subprocess.PIPE, text=True)
    time.sleep(0.2)  # docker wait is attached
    killed = time.monotonic()
    os.kill(pids[0], signal.SIGKILL)
    out, _ = waiter.communicate(timeout=30)
    elapsed = time.monotonic() - killed
    assert int(out.strip()) != 0, container.logs()
    assert elapsed < 2, f"container exited {elapsed:.2f}s after the app died"
    record("exit_after_app_death_seconds", round(elapsed, 2))


def test_invalid_base_path_refuses_to_start(image: str) -> None:
    """BASE_PATH=../x: the container exits with 2 (invalid configuration) and names BASE_PATH."""
    result = subprocess.run(
        ["docker", "run", "--rm", "--read-only", "-e", "BASE_PATH=../x", image],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "BASE_PATH" in result.stderr, result.stderr


def test_healthcheck_fails_without_server(image: str) -> None:
    """The HEALTHCHECK command itself fails when nothing answers (so Docker and ECS see a dead task)."""
    result = docker(
        "run", "--rm", "--entrypoint", "/opt/fcgiapp/bin/FCGIApp", image, "healthcheck", check=False, timeout=30
    )
    assert result.returncode != 0
