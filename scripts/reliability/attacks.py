"""Hostile-client rows: slowloris and a pipelining flood while a normal client probes (Tests/http/hostile.py),
and a fuzz of random and malformed requests judged by the rule in Tests/http/fuzz.py."""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import fuzz
import hostile
from report import attempt, judged

PROBE_GOAL = 0.99


def under_attack(make_target, kind: str, connections: int, seconds: float):
    what = f"{kind} {connections:,} connections, {seconds:.0f} s" + (
        " (a header line every 5 s)" if kind == "slowloris" else ""
    )
    goal = f">= {PROBE_GOAL:.0%} of normal probes answered"

    def measure():
        with make_target() as target:
            probe, attackers = hostile.under_attack([(kind, connections)], target.port, seconds)
        summary = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in attackers[kind].items())
        measured = (
            f"{probe.ok:,}/{probe.sent:,} probes answered ({probe.ratio:.1%}), slowest {probe.worst_s:.2f} s; "
            f"attacker: {summary}"
        )
        return judged(what, goal, measured, probe.ratio >= PROBE_GOAL)

    return attempt(what, goal, measure)


def fuzzing(make_target, count: int, seed: int, threads: int = 16):
    """`count` requests, a quarter well-formed with random paths and methods, the rest malformed, each on
    its own connection, `threads` at a time."""
    what = f"fuzz, {count:,} random and malformed requests (seed {seed})"
    goal = "0 5xx, 0 non-JSON bodies, no hang"

    def measure():
        rng = random.Random(seed)
        requests = [
            fuzz.random_request(rng) if rng.random() < 0.25 else fuzz.malformed_request(rng) for _ in range(count)
        ]
        with make_target() as target:
            with ThreadPoolExecutor(threads) as pool:
                answers = list(pool.map(lambda raw: fuzz.send(target.port, raw), requests))
        labels = Counter(a.label for a in answers)
        faults = Counter(f for a in answers for f in a.faults())
        first = next(((raw, a) for raw, a in zip(requests, answers, strict=True) if a.faults()), None)
        by_status = ", ".join(f"{k}: {v:,}" for k, v in sorted(labels.items(), key=lambda kv: -kv[1]))
        measured = f"by status {by_status}; faults: " + (
            ", ".join(f"{k} {v:,}" for k, v in faults.items()) + f" (first: {first[0][:80]!r} -> {first[1].label})"
            if first
            else "none"
        )
        return judged(what, goal, measured, not faults)

    return attempt(what, goal, measure)
