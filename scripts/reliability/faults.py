"""Fault rows: either process killed, and a stop under load. The bounds are the README's ("Lifecycle"):
either process dying stops the other and the supervisor exits non-zero within 2 s; on SIGTERM the lame duck,
then a graceful quit, exit 0 within 10 s."""

import threading
import time

import keepalive
from report import attempt, judged
from targets import kill

EXIT_BOUND_S = 2.0
STOP_BOUND_S = 10.0


def process_killed(target, victim: str):
    """SIGKILL to FCGIApp or to nginx's master: the supervisor (or container) exits non-zero in time."""
    goal = f"exits non-zero within {EXIT_BOUND_S:.0f} s"
    pid = target.app_pid() if victim == "app" else target.nginx_master_pid()
    started = time.monotonic()
    kill(pid)
    code = target.wait_exit(10)
    elapsed = time.monotonic() - started
    if code is None:
        return judged(f"{victim} killed ({target.kind})", goal, "still running after 10 s", False)
    return judged(
        f"{victim} killed ({target.kind})",
        goal,
        f"exit {code} after {elapsed:.2f} s",
        code != 0 and elapsed <= EXIT_BOUND_S,
    )


def stop_under_load(target, connections: int):
    """SIGTERM while `connections` kept-alive clients send requests back to back. Every request in flight on
    a kept connection must be answered (the lame duck answers with Connection: close) and the stop must end
    with exit 0 in time. The clients then reconnect, and keep reconnecting until nginx closes its port at the
    end of the lame duck: a new connection caught in that moment (still in the listen queue, or, in the
    container, accepted by docker-proxy) is reset or closed unanswered. Those are counted and shown, not
    judged: "The load balancer stops sending requests to targets that are deregistering" (Elastic Load
    Balancing API Reference, DeregisterTargets), and ECS deregisters a task before it sends SIGTERM. A stop
    without that drain (StopTask, a failed health check) can meet them: the count says how many."""
    what = f"SIGTERM under {connections} kept-alive connections ({target.kind})"
    goal = f"0 failures on kept connections, exit 0 within {STOP_BOUND_S:.0f} s; resets counted"
    stop = threading.Event()
    out = {}
    load = threading.Thread(
        target=lambda: out.setdefault("result", keepalive.run(target.port, connections, seconds=60, stop=stop))
    )
    load.start()
    try:
        time.sleep(1.0)
        started = time.monotonic()
        target.terminate()
        code = target.wait_exit(STOP_BOUND_S + 5)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        load.join(30)
    r = out["result"]
    not_200 = r.answered - r.statuses[200]
    kept, new = sum(r.failed.values()), sum(r.failed_new.values())
    after = [t - started for t in r.failure_times]
    measured = (
        f"exit {code} after {elapsed:.1f} s; {r.answered:,} answered ({not_200} not 200); in-flight failures "
        f"on kept connections: {kept}{_kinds(r.failed)}; new connections reset or closed unanswered: "
        f"{new}{_kinds(r.failed_new)}"
        + (f", {min(after):.2f}-{max(after):.2f} s after SIGTERM" if after else "")
        + f"; {r.closed_after_answer:,} answers with Connection: close, {r.refused:,} connects refused once the "
        "port closed"
    )
    ok = code == 0 and elapsed <= STOP_BOUND_S and kept == 0 and not_200 == 0 and r.answered > 0
    return judged(what, goal, measured, ok)


def _kinds(counts) -> str:
    return " (" + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ")" if counts else ""


def rows(make_target, kind: str, connections: int) -> list:
    """Each fault on a fresh target."""

    def fresh(measure):
        def run():
            with make_target() as target:
                return measure(target)

        return run

    return [
        attempt(
            f"app killed ({kind})",
            f"exits non-zero within {EXIT_BOUND_S:.0f} s",
            fresh(lambda t: process_killed(t, "app")),
        ),
        attempt(
            f"nginx killed ({kind})",
            f"exits non-zero within {EXIT_BOUND_S:.0f} s",
            fresh(lambda t: process_killed(t, "nginx")),
        ),
        attempt(
            f"SIGTERM under {connections} kept-alive connections ({kind})",
            f"0 failures on kept connections, exit 0 within {STOP_BOUND_S:.0f} s; resets counted",
            fresh(lambda t: stop_under_load(t, connections)),
        ),
    ]
