"""HTTP on 127.0.0.1 for every test suite: a free port, one request on a fresh connection, raw bytes as they
are, and the parsed response (headers are case-insensitive)."""

import http.client
import json
import socket
from dataclasses import dataclass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_closed(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)

    def header(self, name: str):
        return self.headers.get(name)


def request(port: int, method: str, path: str, headers=None, body=None, timeout: float = 10) -> Response:
    """One request on a fresh connection (http.client; the path must be valid for it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, r.headers, r.read())
    finally:
        conn.close()


def get(port: int, path: str, **kwargs) -> Response:
    return request(port, "GET", path, **kwargs)


def raw_request(port: int, data: bytes, timeout: float = 10) -> Response:
    """Sends bytes as they are (any request line or header) and parses the one response."""
    method = data.split(b" ", 1)[0].decode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        r = http.client.HTTPResponse(s, method=method)
        r.begin()
        return Response(r.status, r.headers, r.read())
