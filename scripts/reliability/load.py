"""Load rows with wrk: the concurrency sweep, many connections at once, the soak, and /dev/host during 100 %
stress. Each row group starts its own server."""

import statistics
import time

import wrk
from httpsupport import get
from procs import open_fds, rss_mb
from report import attempt, failed, judged

SWEEP_P99_GOAL_MS = 25.0  # issue 11: p99 kept at 256 connections (and so below)
STRESS_P99_GOAL_MS = 10.0
# Soak: a leak shows as growth from the first third of the samples to the last (same load throughout).
SOAK_RSS_SLACK_MB = 2.0
SOAK_FDS_SLACK = 16


def sweep(make_target, levels, rounds: int, seconds: float) -> list:
    """wrk at each connection count, levels interleaved round by round (so a noisy minute hits them all
    alike); p99 is the median of the rounds, errors the sum. p99 goal up to 256 connections, 0 errors at all."""
    results = {level: [] for level in levels}

    def measure_all():
        with make_target() as target:
            wrk.run(target.port, levels[0], 2)  # warm-up: threads, page cache
            for _ in range(rounds):
                for level in levels:
                    results[level].append(wrk.run(target.port, level, seconds))

    try:
        measure_all()
        error = None
    except Exception as e:  # noqa: BLE001 - reported in the table
        error = e
    rows = []
    for level in levels:
        has_goal = level <= 256
        goal = (f"p99 <= {SWEEP_P99_GOAL_MS:.0f} ms, " if has_goal else "") + "0 errors"
        what = f"{level} connections, {rounds} x {seconds:.0f} s"
        runs = results[level]
        if error is not None or len(runs) < rounds:
            rows.append(failed(what, goal, error or RuntimeError("no runs")))
            continue
        p99 = statistics.median(r.p99_ms for r in runs)
        errors = sum(r.errors for r in runs)
        rps = statistics.median(r.rps for r in runs)
        error_text = wrk.combined(runs).error_text()
        ok = errors == 0 and (not has_goal or p99 <= SWEEP_P99_GOAL_MS)
        rows.append(judged(what, goal, f"p99 {p99:.1f} ms, {rps:,.0f} req/s, {error_text}", ok))
    return rows


def many_connections(make_target, connections: int, seconds: float):
    what = f"{connections:,} connections, {seconds:.0f} s"
    goal = "0 errors (socket errors, timeouts, non-2xx)"

    def measure():
        with make_target() as target:
            r = wrk.run(target.port, connections, seconds)
            rss = rss_mb(target.app_pid())
        measured = f"{r.error_text()}; p99 {r.p99_ms:.1f} ms, {r.rps:,.0f} req/s; app RSS {rss:.1f} MB"
        return judged(what, goal, measured, r.errors == 0)

    return attempt(what, goal, measure)


def soak(make_target, seconds: float, connections: int = 64, every: float = 5.0):
    """wrk for `seconds` while the app's RSS and open fds and nginx's open fds are sampled."""
    what = f"soak, {seconds:.0f} s at {connections} connections"
    goal = (
        f"0 errors; last third of samples vs first: app RSS +<= {SOAK_RSS_SLACK_MB:.0f} MB, "
        f"app and nginx fds +<= {SOAK_FDS_SLACK}"
    )

    def measure():
        with make_target() as target:
            app = target.app_pid()
            samples = []
            proc = wrk.start(target.port, connections, seconds)
            deadline = time.monotonic() + seconds + 5
            time.sleep(min(every, seconds / 4))
            while proc.poll() is None and time.monotonic() < deadline:
                nginx_fds = sum(open_fds(pid) for pid in target.nginx_pids())
                samples.append((rss_mb(app), open_fds(app), nginx_fds))
                time.sleep(every)
            r = wrk.finish(proc, seconds)
        if len(samples) < 3:
            raise RuntimeError(f"only {len(samples)} samples: make the soak longer")
        third = len(samples) // 3
        first, last = samples[:third], samples[-third:]
        rss0, rss1 = statistics.median(s[0] for s in first), statistics.median(s[0] for s in last)
        growth = [max(s[i] for s in last) - max(s[i] for s in first) for i in (1, 2)]
        measured = (
            f"{r.error_text()} in {r.requests:,} requests; app RSS {rss0:.1f} -> {rss1:.1f} MB, "
            f"app fds {max(s[1] for s in first)} -> {max(s[1] for s in last)}, "
            f"nginx fds {max(s[2] for s in first)} -> {max(s[2] for s in last)} ({len(samples)} samples)"
        )
        ok = r.errors == 0 and rss1 - rss0 <= SOAK_RSS_SLACK_MB and max(growth) <= SOAK_FDS_SLACK
        return judged(what, goal, measured, ok)

    return attempt(what, goal, measure)


def during_stress(make_target, seconds: float, scheduling: str, connections: int = 64):
    what = f"/dev/host p99 during 100 % stress ({connections} connections, {seconds:.0f} s)"
    goal = f"p99 <= {STRESS_P99_GOAL_MS:.0f} ms, 0 errors"

    def measure():
        with make_target() as target:
            started = get(target.port, f"/dev/stress-cpu/100/{int(seconds) + 10}")
            if started.status != 200:
                raise RuntimeError(f"stress did not start: {started.status} {started.body[:200]!r}")
            time.sleep(1.0)
            try:
                r = wrk.run(target.port, connections, seconds)
            finally:
                get(target.port, "/dev/stress-cpu/0/1")
        measured = f"p99 {r.p99_ms:.2f} ms, {r.rps:,.0f} req/s, {r.error_text()}; {scheduling}"
        return judged(what, goal, measured, r.errors == 0 and r.p99_ms <= STRESS_P99_GOAL_MS)

    return attempt(what, goal, measure)
