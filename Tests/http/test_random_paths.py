"""Property: whatever the path, method, encoding or malformation, the answer is JSON and never a 5xx
(the rule and the generators live in fuzz.py, which `make reliability` runs at a larger scale)."""

import os
import random

import fuzz
from httpsupport import get, raw_request


def seeded() -> tuple:
    seed = int(os.environ.get("HTTP_TEST_SEED", random.randrange(1 << 30)))
    return seed, random.Random(seed)


def test_random_paths_never_give_a_5xx(server):
    seed, rng = seeded()
    for _ in range(400):
        raw = fuzz.random_request(rng)
        method = raw.split(b" ", 1)[0].decode()
        r = raw_request(server.port, raw)
        where = f"seed {seed}: {raw[:200]!r} -> {r.status} {r.body[:200]!r}"
        assert r.status < 500, where
        assert r.header("Content-Type") == "application/json", where
        if method != "HEAD":
            assert isinstance(r.json(), dict), where
        if method == "POST":
            # 405 wherever a path lands (nginx's error pages are named locations no path reaches);
            # malformed request lines and paths climbing above the root fail earlier still.
            assert r.status in (400, 405, 414), where
    get(server.port, "/dev/stress-cpu/0/1")


def test_malformed_requests_never_give_a_5xx_or_html(server):
    seed, rng = seeded()
    answered = 0
    for _ in range(300):
        raw = fuzz.malformed_request(rng)
        answer = fuzz.send(server.port, raw)
        assert answer.faults() == [], f"seed {seed}: {raw[:300]!r} -> {answer.label} {answer.body[:200]!r}"
        answered += answer.status is not None
    # Most malformed requests are answered (a 400 JSON); only a few end in a close without one.
    assert answered >= 250, f"seed {seed}: only {answered} of 300 answered"
    get(server.port, "/dev/stress-cpu/0/1")


def test_fuzz_reads_a_head_answer_after_100_continue(server):
    """fuzz.send stops at the end of a HEAD answer's header, also after an interim 100 Continue, rather than
    waiting for a body that never comes and calling a kept-alive connection a hang."""
    raw = b"HEAD /dev/host HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n"
    answer = fuzz.send(server.port, raw, timeout=3)
    assert (answer.label, answer.faults()) == ("200", []), answer
