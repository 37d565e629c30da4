"""Random and malformed requests, and the rule every answer to them must follow: never a 5xx (a client
must not be able to trip the 5xx rollback alarm) and always a JSON body. Used by the HTTP tests (a few
hundred requests) and by `make reliability` (tens of thousands); 127.0.0.1 only, every wait bounded.
"""

import json
import random
import socket
import time
from dataclasses import dataclass

# MARK: paths

PIECES = [
    "dev",
    "DEV",
    "Dev",
    "host",
    "HOST",
    "stress-cpu",
    "health",
    "status",
    "_error",
    "..",
    ".",
    "",
    " ",
    "%2e%2e",
    "%2F",
    "%2f",
    "%25",
    "%20",
    "%00",
    "%zz",
    "%",
    "%C3%A9",
    "%FF",
    "%EF%BC%95",
    "\u00e9",
    "+",
    "-1",
    "0",
    "1",
    "7",
    "100",
    "101",
    "1e2",
    "0x1",
    "1.5",
    "99999999999999999999",
    ";",
    ";x=1",
    "?a=1",
    "#f",
    "&",
    "=",
    "~",
    "*",
    "'",
    '"',
    "<",
    ">",
    "\\",
    "{",
    "}",
    "|",
    "^",
    "`",
    "[",
    "]",
]
METHODS = ["GET", "GET", "GET", "HEAD", "POST"]


def random_path(rng: random.Random) -> bytes:
    """A path built from pieces that route, encode or parse in odd ways. A stress request keeps a percent
    that starts no load (0 is a stop, the others are refused)."""
    segments = [rng.choice(PIECES) for _ in range(rng.randint(0, 6))]
    if rng.random() < 0.5:
        segments = ["dev", rng.choice(["host", "stress-cpu", rng.choice(PIECES)])] + segments
    if rng.random() < 0.05:
        segments.append("x" * rng.randint(100, 9000))
    path = "/" + "/".join(segments)
    parts = path.split("/")
    if len(parts) > 3 and parts[2] == "stress-cpu":
        parts[3] = rng.choice(["0", "-1", "1.5", "abc", ""])
        path = "/".join(parts)
    return path.replace(" ", "%20" if rng.random() < 0.5 else " ").encode("utf-8")


def random_request(rng: random.Random) -> bytes:
    """A well-formed request for a random path with a random method."""
    method = rng.choice(METHODS).encode()
    return method + b" " + random_path(rng) + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"


# MARK: malformed requests

_ODD_METHODS = [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"TRACE", b"CONNECT", b"PATCH", b"get"]
_ODD_METHODS += [b"G\x00T", b"GE T", b"", b"X" * 100, b"\xff\xfe", b"-", b"GET\t"]
_VERSIONS = [b"HTTP/1.1", b"HTTP/1.0", b"HTTP/0.9", b"HTTP/2.0", b"HTTP/9.9", b"http/1.1", b"HTTP/1.1x", b"HTTP/1"]
_VERSIONS += [b"HTTP/01.1", b"HTTP/1.1 x", b"HTTP/1.10", b"HTTP/", b"HTTP/-1.1", b"\xff", b""]
_TARGETS = [b"*", b"http://a/dev/host", b"https://a:99999/dev/host", b"//dev/host", b"dev/host", b"/dev/host#x"]
_TARGETS += [b"/dev/h\x00st", b"/dev/host\x7f", b"/dev/\xc3\x28", b"/dev/host?" + b"%" * 50, b"/../../etc/passwd"]
_HEADERS = [
    b"Host: a",
    b"Host:",
    b"Host: a\r\nHost: b",
    b"Host: a:99999",
    b"Host: \xff\xfe",
    b"Content-Length: -1",
    b"Content-Length: abc",
    b"Content-Length: 1e3",
    b"Content-Length: 5\r\nContent-Length: 6",
    b"Content-Length: 0",
    b"Content-Length: 99999999999999999999",
    b"Transfer-Encoding: gzip",
    b"Transfer-Encoding: chunked, gzip",
    b"Transfer-Encoding: identity",
    b"Transfer-Encoding: \x00",
    b"Expect: 100-continue",
    b"Expect: x",
    b"Connection: upgrade\r\nUpgrade: websocket",
    b"Upgrade: h2c",
    b"X-Forwarded-For: \xff\x00",
    b"User-Agent: \xff\xfe\x80",
    b"Referer: \xc3\x28",
    b"Range: bytes=0-0,1-1,2-2",
    b"If-None-Match: *",
    b" obs-fold",
    b"\tfold",
    b"NoColon",
    b": empty-name",
    b"Bad Name: x",
    b"X\x00: y",
    b"X: " + b"v" * 9000,
    b"Cookie: " + b"c=" * 2000,
]


def malformed_request(rng: random.Random) -> bytes:
    """A request with odd parts (method, target, version, headers, line endings) or random bytes in a
    valid one. The head always ends with a blank line, so nginx answers at once rather than waiting for
    the rest. Malformed chunked bodies are left out on purpose: nginx answers them with its own HTML 400
    (README, "Endpoints"), a known exception that a client can reach but that is still no 5xx."""
    kind = rng.random()
    if kind < 0.15:
        # Random bytes: nothing like a request.
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + b"\r\n\r\n"
    method = rng.choice(METHODS).encode() if rng.random() < 0.6 else rng.choice(_ODD_METHODS)
    target = random_path(rng) if rng.random() < 0.6 else rng.choice(_TARGETS)
    version = b"HTTP/1.1" if rng.random() < 0.5 else rng.choice(_VERSIONS)
    line = method + b" " + target + (b" " + version if version else b"")
    headers = [b"Host: a"] if rng.random() < 0.7 else []
    headers += [rng.choice(_HEADERS) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.7:
        headers.append(b"Connection: close")
    eol = b"\r\n" if rng.random() < 0.8 else rng.choice([b"\n", b"\r\n", b"\n\r"])
    head = eol.join([line, *headers]) + eol + eol
    body = b""
    if any(h.startswith(b"Content-Length: 5") for h in headers):
        body = b"hello"
    elif any(b"chunked" in h for h in headers) and rng.random() < 0.5:
        body = b"5\r\nhello\r\n0\r\n\r\n"  # a well-formed chunked body (see the docstring)
    data = bytearray(head + body)
    if kind > 0.85:
        # A few random bytes changed, inserted or removed, keeping the final blank line.
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(max(1, len(data) - 4))
            action = rng.random()
            if action < 0.4:
                data[at] = rng.randrange(256)
            elif action < 0.7:
                data.insert(at, rng.randrange(256))
            else:
                del data[at]
        if not data.endswith(b"\r\n\r\n"):
            data += b"\r\n\r\n"
    return bytes(data)


# MARK: sending and judging


@dataclass
class Answer:
    """What one request got: `status` is the HTTP status (0.9 for a bare HTTP/0.9 body), or None when the
    server closed without answering (`hung` when nothing came within the timeout)."""

    status: float | None
    content_type: str | None
    body: bytes
    head_request: bool
    hung: bool = False

    def faults(self) -> list:
        """Broken rules: a 5xx, a body that is not a JSON object, or no end within the timeout."""
        if self.hung:
            return ["hang"]
        if self.status is None:
            return []
        found = []
        if self.status >= 500:
            found.append("5xx")
        is_json = self.content_type == "application/json" or self.status == 0.9
        if not self.head_request:
            try:
                is_json = is_json and isinstance(json.loads(self.body), dict)
            except ValueError:
                is_json = False
        if not is_json:
            found.append("non-JSON")
        return found

    @property
    def label(self) -> str:
        if self.hung:
            return "hang"
        if self.status is None:
            return "closed"
        return "0.9" if self.status == 0.9 else str(int(self.status))


def _parse(data: bytes, eof: bool, head_request: bool = False):
    """(status, content type, body) of the first final response in data, or None if incomplete. The answer
    to a HEAD request ends with its header."""
    if not data.startswith(b"HTTP/"):
        return (0.9, None, data) if eof and data else None
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = data[:end].split(b"\r\n")
        try:
            status = int(lines[0].split(b" ")[1])
        except (IndexError, ValueError):
            return 0, None, data  # not a status line: judged as a non-JSON answer
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().decode("latin-1")
        rest = data[end + 4 :]
        if 100 <= status < 200:
            data = rest
            continue
        try:
            length = 0 if head_request else int(headers.get(b"content-length", -1))
        except ValueError:
            length = -1  # read to the end
        if length < 0:
            return (status, headers.get(b"content-type"), rest) if eof else None
        if len(rest) < length:
            return (status, headers.get(b"content-type"), rest) if eof else None
        return status, headers.get(b"content-type"), rest[:length]


def send(port: int, data: bytes, timeout: float = 12.0) -> Answer:
    """Sends raw bytes on a fresh connection and reads the first final answer (1xx skipped), until the
    answer is complete, the server closes, or `timeout` (past nginx's 10 s header timeout) passes."""
    head_request = data.startswith(b"HEAD ")
    deadline = time.monotonic() + timeout
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except OSError:
            pass  # the server may answer and close before reading everything: read what it said
        eof = False
        while not eof and _parse(received, eof=False, head_request=head_request) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return Answer(None, None, received, head_request, hung=True)
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                return Answer(None, None, received, head_request, hung=True)
            except OSError:
                chunk = b""
            eof = not chunk
            received += chunk
    parsed = _parse(received, eof=True, head_request=head_request)
    if parsed is None:
        return Answer(None, None, received, head_request)
    return Answer(parsed[0], parsed[1], parsed[2], head_request)
