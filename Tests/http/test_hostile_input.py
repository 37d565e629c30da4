"""A client's malformed request never gets a 5xx: nginx's own 501 and 505 become a 400 JSON naming the problem.

A 5xx counts in the ALB's HTTPCode_Target_5XX_Count, which raises the alarm that rolls a CodeDeploy
deployment back (terraform/service), so any client could otherwise roll back a release at will.
"""

import pytest
from httpsupport import raw_request


def assert_client_error_json(r):
    assert 400 <= r.status < 500, (r.status, r.body[:200])
    assert r.header("Content-Type") == "application/json"
    assert isinstance(r.json()["error"], str)


# Transfer codings nginx does not implement (it answered 501 Not Implemented): only "chunked" is read.
@pytest.mark.parametrize("coding", [b"gzip", b"gzip, chunked", b"chunked, gzip", b"identity", b"compress", b"x"])
@pytest.mark.parametrize("path", [b"/dev/host", b"/health", b"/nope"])
def test_unknown_transfer_coding_is_400_json(server, coding, path):
    r = raw_request(server.port, b"GET " + path + b" HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + coding + b"\r\n\r\n")
    assert_client_error_json(r)
    assert r.status == 400, r.status
    assert "Transfer-Encoding" in r.json()["error"]


# HTTP major versions other than 1 (nginx answered 505 HTTP Version Not Supported).
@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/3.0", b"HTTP/9.9", b"HTTP/10.0", b"HTTP/99.99"])
def test_unsupported_http_version_is_400_json(server, version):
    r = raw_request(server.port, b"GET /dev/host " + version + b"\r\nHost: a\r\n\r\n")
    assert_client_error_json(r)
    assert r.status == 400, r.status
    assert "HTTP version" in r.json()["error"]


@pytest.mark.parametrize(
    "raw",
    [
        # The largest request nginx accepts still fits one FastCGI record (nginx answers 500 past 64 KB).
        b"GET /dev/"
        + b"a" * 4000
        + b"?"
        + b"b" * 4000
        + b" HTTP/1.1\r\nHost: a\r\n"
        + b"X: "
        + b"c" * 8000
        + b"\r\n" * 1
        + b"".join(b"H%d: %s\r\n" % (i, b"d" * 7000) for i in range(3))
        + b"\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\n" + b"a:\r\n" * 999 + b"\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\n"
        + b"".join(b"H%03d: %s\r\n" % (i, b"e" * 120) for i in range(250))
        + b"\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        # A body just under and over the body limit.
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nContent-Length: 16000\r\n\r\n" + b"x" * 16000,
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n",
        b"get /dev/host HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /dev/host HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /dev/host HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET /dev/stress-cpu/%ff/1 HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /dev/\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n",
    ],
    ids=lambda raw: repr(raw[:40]),
)
def test_odd_requests_never_get_a_5xx(server, raw):
    """Requests nginx refuses or passes on in other ways: none is answered with a 5xx."""
    r = raw_request(server.port, raw)
    assert r.status < 500, (r.status, r.body[:200])
    assert r.header("Content-Type") == "application/json"


@pytest.mark.parametrize("path", [b"/dev/host", b"/nope"])
@pytest.mark.parametrize(
    "chunks", [b"zz\r\nhello\r\n0\r\n\r\n", b"ffffffffffffffffffff\r\n"], ids=["not-hex", "overflow"]
)
def test_malformed_chunked_body_is_a_4xx(server, path, chunks):
    """A body is refused unread (413), and nginx reads it only to drop it while sending the JSON error;
    a malformed one fails there, and nginx, which follows one error_page per request, falls back to its
    own HTML 400. Still a client error, never a 5xx."""
    r = raw_request(
        server.port, b"GET " + path + b" HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
    )
    assert r.status == 400, (r.status, r.body[:200])
