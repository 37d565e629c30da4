"""Many kept-alive HTTP/1.1 clients at once, as the ALB holds them: each connection sends a request, waits
for the whole answer, sends the next. Counts answers by status and every way a request can fail, so the
HTTP tests (256 connections, a few requests each) and `make reliability` (256 connections through a stop)
judge the same numbers. One thread, non-blocking sockets, 127.0.0.1 only, every wait bounded.
"""

import errno
import selectors
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """statuses: answers by HTTP status. failed: requests sent whose answer never came whole, by how
    (reset, EOF, timeout): a client would have seen an error; failed_new: the same for the first request
    of a connection (one a proxy in front accepted but could not pass on lands here), failure_times: when
    each failure was seen (time.monotonic). refused: connects refused (nothing sent). connects:
    connections opened, reconnects included. closed_after_answer: answers with `Connection: close`, after
    which the client opened a new connection."""

    statuses: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    failed_new: Counter = field(default_factory=Counter)
    failure_times: list = field(default_factory=list)
    refused: int = 0
    connects: int = 0
    closed_after_answer: int = 0

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    def errors(self) -> int:
        """Failed requests plus answers other than 200."""
        return sum(self.failed.values()) + sum(self.failed_new.values()) + self.answered - self.statuses[200]


class _Client:
    def __init__(self):
        self.sock = None
        self.buffer = b""
        self.sent_at = None  # set while a request is waiting for its answer
        self.done = 0
        self.on_socket = 0  # answers on the current connection
        self.retry_at = 0.0


def _answer_length(buffer: bytes):
    """(total bytes of the first answer, status, closes) once it is complete, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buffer[:end].split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    length, closes = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            closes = value.strip().lower() == b"close"
    total = end + 4 + length
    return (total, status, closes) if len(buffer) >= total else None


def run(
    port: int,
    connections: int,
    *,
    requests_each: int | None = None,
    seconds: float = 60.0,
    stop: threading.Event | None = None,
    timeout: float = 10.0,
    path: str = "/dev/host",
) -> LoadResult:
    """Runs `connections` clients until each has had `requests_each` answers, `stop` is set, or `seconds`
    pass. A client whose connection the server closes opens a new one (a refused connect is retried after
    50 ms). A request unanswered after `timeout` seconds counts as failed. Requests cut short by the end of
    the run itself are not counted."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    result = LoadResult()
    sel = selectors.DefaultSelector()
    clients = [_Client() for _ in range(connections)]
    end = time.monotonic() + seconds

    def finished(c):
        return requests_each is not None and c.done >= requests_each

    def close(c):
        if c.sock is not None:
            sel.unregister(c.sock)
            c.sock.close()
            c.sock = None
        c.buffer, c.sent_at, c.on_socket = b"", None, 0

    def fail(c, how):
        if c.sent_at is not None:
            (result.failed if c.on_socket else result.failed_new)[how] += 1
            result.failure_times.append(time.monotonic())
        close(c)

    def connect(c):
        c.sock = socket.socket()
        c.sock.setblocking(False)
        code = c.sock.connect_ex(("127.0.0.1", port))
        sel.register(c.sock, selectors.EVENT_WRITE, c)
        if code not in (0, errno.EINPROGRESS):
            # Refused at once (loopback does that): SO_ERROR would no longer say so.
            close(c)
            result.refused += 1
            c.retry_at = time.monotonic() + 0.05

    def send(c):
        try:
            c.sock.send(request)  # a few dozen bytes: one send on a fresh socket buffer
        except OSError as error:
            close(c)
            if error.errno in (errno.ECONNREFUSED, errno.ECONNRESET, errno.EPIPE):
                result.refused += 1
                c.retry_at = time.monotonic() + 0.05
            return
        c.sent_at = time.monotonic()
        sel.modify(c.sock, selectors.EVENT_READ, c)

    try:
        while time.monotonic() < end and not (stop is not None and stop.is_set()):
            now = time.monotonic()
            for c in clients:
                if c.sock is None and not finished(c) and now >= c.retry_at:
                    connect(c)
                elif c.sent_at is not None and now - c.sent_at > timeout:
                    fail(c, "timeout")
            if all(finished(c) for c in clients):
                break
            for key, _ in sel.select(timeout=0.05):
                c = key.data
                if c.sent_at is None:
                    # Writable after connect: connected, or refused.
                    if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        close(c)
                        result.refused += 1
                        c.retry_at = time.monotonic() + 0.05
                        continue
                    result.connects += 1
                    send(c)
                    continue
                try:
                    chunk = c.sock.recv(65536)
                except ConnectionResetError:
                    fail(c, "reset")
                    continue
                except OSError:
                    fail(c, "EOF")
                    continue
                if not chunk:
                    fail(c, "EOF")
                    continue
                c.buffer += chunk
                parsed = _answer_length(c.buffer)
                if parsed is None:
                    continue
                total, status, closes = parsed
                result.statuses[status] += 1
                c.done += 1
                c.on_socket += 1
                c.buffer, c.sent_at = c.buffer[total:], None
                if closes:
                    result.closed_after_answer += 1
                    close(c)
                elif not finished(c):
                    send(c)
                else:
                    close(c)
    finally:
        for c in clients:
            c.sent_at = None
            close(c)
    return result
