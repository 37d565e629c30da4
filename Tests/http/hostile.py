"""Hostile clients for the HTTP tests and for measuring by hand: slowloris, a pipelining flood, and the
normal client whose answers they must not starve. Everything talks to 127.0.0.1 only, and every loop is
bounded by a duration.

    python3 Tests/http/hostile.py PORT slowloris 2000 60           # 2,000 slow connections, 60 s, probes
    python3 Tests/http/hostile.py PORT flood 500 60                # 500 pipelining connections
    python3 Tests/http/hostile.py PORT slowloris 2000 flood 500 60 # both at once
"""

import multiprocessing
import selectors
import socket
import sys
import time
from dataclasses import dataclass

REQUEST = b"GET /dev/host HTTP/1.1\r\nHost: a\r\n\r\n"


def slowloris(port: int, connections: int, seconds: float, line_every: float = 5.0, ready=None) -> dict:
    """Keeps `connections` requests open that never finish their header: each sends its request line,
    then one more header line every `line_every` seconds. A connection the server closes is opened
    again at once (a persistent attacker). Returns how many were opened and how many the server closed,
    with the longest any one of them stayed open."""
    sel = selectors.DefaultSelector()
    opened = closed = refused = 0
    longest = 0.0
    started = {}
    last_line = {}

    def open_one():
        nonlocal opened, refused
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect_ex(("127.0.0.1", port))
            s.send(b"GET /dev/host HTTP/1.1\r\nHost: a\r\n")
        except OSError:
            # connect still in progress: the request line goes with the next header line.
            pass
        now = time.monotonic()
        started[s] = last_line[s] = now
        sel.register(s, selectors.EVENT_READ)
        opened += 1

    def drop(s, by_server):
        nonlocal closed, longest
        sel.unregister(s)
        if by_server:
            closed += 1
            longest = max(longest, time.monotonic() - started[s])
        del started[s], last_line[s]
        s.close()

    def reopen():
        nonlocal refused
        try:
            open_one()
        except OSError:
            refused += 1

    end = time.monotonic() + seconds
    for _ in range(connections):
        reopen()
    if ready is not None:
        ready.set()
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.2):
            # Readable means the server answered (a 408), reset or closed: the connection is over.
            drop(key.fileobj, by_server=True)
            reopen()
        now = time.monotonic()
        for s in [s for s, t in last_line.items() if now - t >= line_every]:
            try:
                s.send(b"X-Slow: %d\r\n" % int(now))
                last_line[s] = now
            except OSError:
                drop(s, by_server=True)
                reopen()
    for s in list(started):
        drop(s, by_server=False)
    return {"opened": opened, "closed_by_server": closed, "refused": refused, "longest_open_s": round(longest, 1)}


def flood(port: int, connections: int, seconds: float, batch: int = 64, ready=None) -> dict:
    """`connections` connections that pipeline `batch` requests at a time as fast as the server takes
    them, reading and discarding the answers. Returns the number of answers read (counted by status
    line) and how many connections the server closed."""
    sel = selectors.DefaultSelector()
    payload = REQUEST * batch
    pending = {}
    answers = closed = 0

    def open_one():
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        pending[s] = b""

    for _ in range(connections):
        open_one()
    if ready is not None:
        ready.set()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, events in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                if events & selectors.EVENT_READ:
                    data = s.recv(262144)
                    if not data:
                        raise ConnectionError
                    answers += data.count(b"HTTP/1.1 ")
                if events & selectors.EVENT_WRITE:
                    s.send(payload)
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
                sel.unregister(s)
                del pending[s]
                s.close()
                open_one()
    for s in list(pending):
        s.close()
    return {"answers": answers, "closed_by_server": closed}


@dataclass
class ProbeResult:
    sent: int
    ok: int
    worst_s: float

    @property
    def ratio(self) -> float:
        return self.ok / self.sent if self.sent else 0.0


def probe(port: int, seconds: float, every: float = 0.1, timeout: float = 2.0) -> ProbeResult:
    """A normal client: a fresh connection and one GET /dev/host every `every` seconds; an answer is a
    200 within `timeout` seconds."""
    sent = ok = 0
    worst = 0.0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.monotonic()
        sent += 1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
                s.sendall(REQUEST)
                data = b""
                while b"\r\n\r\n" not in data and time.monotonic() - t0 < timeout:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if data.startswith(b"HTTP/1.1 200 ") and time.monotonic() - t0 < timeout:
                    ok += 1
        except OSError:
            pass
        elapsed = time.monotonic() - t0
        worst = max(worst, elapsed)
        time.sleep(max(0.0, every - elapsed))
    return ProbeResult(sent, ok, round(worst, 3))


def _attack(kind, port, count, seconds, ready, results):
    results.put((kind, (slowloris if kind == "slowloris" else flood)(port, count, seconds, ready=ready)))


def under_attack(attackers, port: int, seconds: float, settle: float = 1.0):
    """Runs each attacker, a list of (kind, connections), in its own process (so none can slow the
    probe's loop), probes while they run, and returns (probe result, {kind: attacker summary})."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    running = []
    try:
        for kind, count in attackers:
            ready = ctx.Event()
            process = ctx.Process(target=_attack, args=(kind, port, count, seconds + settle, ready, results))
            process.start()
            running.append(process)
            if not ready.wait(timeout=30):
                raise AssertionError(f"the {kind} attacker did not start")
        time.sleep(settle)
        result = probe(port, seconds)
        summaries = dict(results.get(timeout=seconds + 30) for _ in attackers)
    finally:
        for process in running:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
    return result, summaries


if __name__ == "__main__":
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    port, seconds = int(sys.argv[1]), float(sys.argv[-1])
    pairs = [(sys.argv[i], int(sys.argv[i + 1])) for i in range(2, len(sys.argv) - 1, 2)]
    result, summaries = under_attack(pairs, port, seconds)
    print(
        f"{pairs} for {seconds:.0f} s: probes {result.ok}/{result.sent} ({100 * result.ratio:.1f} %), "
        f"slowest {result.worst_s} s; attackers {summaries}"
    )
