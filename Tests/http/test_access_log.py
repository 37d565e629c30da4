"""The JSON access log stays one valid UTF-8 JSON object per line whatever bytes a client sends.

nginx's escape=json escapes quotes, backslashes and control bytes but copies bytes >= 0x80 as they
are, so one raw 0xff in a header made the line invalid UTF-8 (and unreadable for CloudWatch Logs
Insights or any JSON reader). Every client-controlled field is sent broken UTF-8 here.
"""

import json
import time

from httpsupport import raw_request

# Byte strings that are not UTF-8: a lone byte, overlong "/", a UTF-16 surrogate, a cut sequence, a
# code point over U+10FFFF, a stray continuation byte.
INVALID = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80", b"\x80", b"\xfe\xfe\xfe"]
VALID = "caf\u00e9 \u2713 \U0001f600"  # two-, three- and four-byte sequences


def send(port: int, data: bytes) -> None:
    """Sends one raw request and reads its answer (nginx logs a request once it has answered it)."""
    raw_request(port, data)


def log_entries(server, count: int, timeout: float = 5) -> list:
    """Every access-log line decoded strictly as UTF-8 and parsed as JSON, once `count` lines other than
    the start-up health checks are there; returns those. The log is buffered (flushed every second), so
    this waits for them, within a bound."""
    deadline = time.monotonic() + timeout
    while True:
        entries = []
        for line in server.stdout_bytes().splitlines():
            try:
                entries.append(json.loads(line.decode("utf-8", errors="strict")))
            except (UnicodeDecodeError, ValueError) as error:
                raise AssertionError(f"not a UTF-8 JSON line: {line!r}") from error
        ours = [e for e in entries if e.get("uri") != "/health"]
        if len(ours) >= count or time.monotonic() > deadline:
            return ours
        time.sleep(0.2)


def requests_with(bad: bytes) -> dict:
    """One request per client-controlled field of the log line, each carrying `bad` between markers."""
    value = b"<" + bad + b">"
    return {
        "uri": b"GET /dev/" + value + b"?q=" + value + b" HTTP/1.1\r\nHost: a\r\n\r\n",
        "user_agent": b"GET /dev/host HTTP/1.1\r\nHost: a\r\nUser-Agent: " + value + b"\r\n\r\n",
        "referer": b"GET /dev/host HTTP/1.1\r\nHost: a\r\nReferer: " + value + b"\r\n\r\n",
        "x_forwarded_for": b"GET /dev/host HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: " + value + b"\r\n\r\n",
        # An invalid request line: nginx answers 400 and still logs what it read.
        "request line": b"GET /dev/" + value + b"\x00 HTTP/1.1\r\nHost: a\r\n\r\n",
        "method": b"G" + value + b"T /dev/host HTTP/1.1\r\nHost: a\r\n\r\n",
    }


def test_invalid_utf8_in_any_field_keeps_the_log_valid(make_server):
    s = make_server().start()
    sent = [data for bad in INVALID for data in requests_with(bad).values()]
    # A long valid prefix before the bad byte: the check must hold for values of any size nginx takes.
    sent.append(b"GET /dev/host HTTP/1.1\r\nHost: a\r\nUser-Agent: <" + "\u00e9".encode() * 3000 + b"\xff>\r\n\r\n")
    for data in sent:
        send(s.port, data)
    entries = log_entries(s, len(sent))
    assert len(entries) == len(sent)
    for field in ("uri", "user_agent", "referer", "x_forwarded_for"):
        # The valid part before the bad bytes is kept, so the line still says what was sent.
        kept = [e for e in entries if str(e.get(field)).startswith(("<", "/dev/<"))]
        assert len(kept) >= len(INVALID), (field, entries)
    assert any(e["user_agent"].startswith("<" + "\u00e9" * 3000) for e in entries)


def test_valid_utf8_and_escapes_are_logged_as_sent(make_server):
    s = make_server().start()
    tricky = VALID + ' "quoted" back\\slash \x01\x1f\x7f'
    raw = tricky.encode()
    path = "/dev/" + VALID.replace(" ", "")  # raw spaces would end the request target
    send(
        s.port,
        b"GET "
        + path.encode()
        + b" HTTP/1.1\r\nHost: a\r\nUser-Agent: "
        + raw
        + b"\r\nReferer: "
        + raw
        + b"\r\nX-Forwarded-For: "
        + raw
        + b"\r\n\r\n",
    )
    entries = log_entries(s, 1)
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry["user_agent"] == tricky, entry
    assert entry["referer"] == tricky
    assert entry["x_forwarded_for"] == tricky
    assert entry["uri"] == path
    assert entry["status"] == 404
