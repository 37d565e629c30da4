#!/usr/bin/env python3
"""`make reliability`: issue 11's table (concurrency sweep, many connections, soak, slowloris, pipelining
flood, fuzz, process faults, latency under stress) against the app as `make run` starts it, and the fault
rows against the container when an image is given. Prints one table and writes it as Markdown.

Run by scripts/reliability.sh, which installs wrk, builds the release binary (and, when a Docker engine
answers, the image). Exit code: 0 every row that ran passed, 1 a goal failed, 2 bad settings or setup.
"""

import os
import platform
import random
import resource
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "Tests" / "http"), str(REPO / "Tests" / "container"), str(REPO / "scripts" / "bench")]

import attacks  # noqa: E402
import faults  # noqa: E402
import load  # noqa: E402
import report  # noqa: E402
import targets  # noqa: E402
from cpugroup import CpuGroup  # noqa: E402  (scripts/bench: one CPU cgroup, as in a container)

GROUPS = ("sweep", "many", "soak", "slowloris", "flood", "fuzz", "faults", "container", "stress")
# Passed to the server (the entrypoint or the container) when set, to compare sizings.
SIZING = (
    "NGINX_WORKER_PROCESSES",
    "NGINX_WORKER_CONNECTIONS",
    "NGINX_UPSTREAM_KEEPALIVE",
    "FCGI_WORKERS",
    "FCGI_BACKLOG",
    "LAME_DUCK_SECONDS",
)
# Open files the client side needs: the slowloris connections, the many-connections run, and room.
CLIENT_NOFILE = 4096


class UsageError(Exception):
    pass


def log(message: str) -> None:
    print(f"reliability: {message}", file=sys.stderr, flush=True)


def number(name: str, default: str, low: float, high: float, kind=int):
    text = os.environ.get(name, default)
    try:
        value = kind(text)
    except ValueError:
        raise UsageError(f'{name}="{text}": not a number') from None
    if not low <= value <= high:
        raise UsageError(f'{name}="{text}": must be between {low:g} and {high:g}')
    return value


def settings() -> dict:
    """Every RELIABILITY_* setting, validated; all problems at once."""
    problems, s = [], {}

    def take(key, fn):
        try:
            s[key] = fn()
        except UsageError as e:
            problems.append(str(e))

    take("rounds", lambda: number("RELIABILITY_ROUNDS", "3", 1, 20))
    take("seconds", lambda: number("RELIABILITY_SECONDS", "5", 1, 300))
    take("many", lambda: number("RELIABILITY_MANY_CONNECTIONS", "1024", 1, 10000))
    take("many_seconds", lambda: number("RELIABILITY_MANY_SECONDS", "30", 1, 3600))
    take("soak_seconds", lambda: number("RELIABILITY_SOAK_SECONDS", "180", 20, 86400))
    take("slowloris", lambda: number("RELIABILITY_SLOWLORIS", "2000", 1, 10000))
    take("flood", lambda: number("RELIABILITY_FLOOD", "500", 1, 5000))
    take("attack_seconds", lambda: number("RELIABILITY_ATTACK_SECONDS", "30", 5, 3600))
    take("fuzz", lambda: number("RELIABILITY_FUZZ_REQUESTS", "10000", 1, 10_000_000))
    take("seed", lambda: number("RELIABILITY_FUZZ_SEED", str(random.randrange(1 << 30)), 0, 1 << 62))
    take("stop_connections", lambda: number("RELIABILITY_STOP_CONNECTIONS", "256", 1, 2000))
    take("stress_seconds", lambda: number("RELIABILITY_STRESS_SECONDS", "10", 1, 600))

    def sweep():
        text = os.environ.get("RELIABILITY_SWEEP", "64,128,192,256,512")
        try:
            levels = [int(x) for x in text.split(",")]
        except ValueError:
            raise UsageError(f'RELIABILITY_SWEEP="{text}": comma-separated connection counts') from None
        if not levels or not all(1 <= x <= 10000 for x in levels):
            raise UsageError(f'RELIABILITY_SWEEP="{text}": each count between 1 and 10000')
        return levels

    take("sweep", sweep)

    def only():
        text = os.environ.get("RELIABILITY_ONLY", ",".join(GROUPS))
        chosen = [x.strip() for x in text.split(",") if x.strip()]
        unknown = [x for x in chosen if x not in GROUPS]
        if unknown or not chosen:
            raise UsageError(f'RELIABILITY_ONLY="{text}": choose from {",".join(GROUPS)}')
        return chosen

    take("only", only)
    for name, choices in (("RELIABILITY_CONTAINER", ("auto", "off")), ("RELIABILITY_CPU_GROUP", ("auto", "off"))):
        if os.environ.get(name, "auto") not in choices:
            problems.append(f'{name}="{os.environ[name]}": auto or off')
    if problems:
        raise UsageError("\n".join(problems))
    s["results"] = Path(os.environ.get("RELIABILITY_RESULTS") or REPO / "reliability-results")
    return s


def server_env() -> dict:
    env = {name: os.environ[name] for name in SIZING if os.environ.get(name)}
    # Access log off as when the issue was measured: the load rows would write gigabytes of it.
    env["NGINX_ACCESS_LOG"] = os.environ.get("NGINX_ACCESS_LOG", "off")
    return env


def container_skip_reason(s: dict):
    if os.environ.get("RELIABILITY_CONTAINER", "auto") == "off":
        return "RELIABILITY_CONTAINER=off"
    if os.environ.get("RELIABILITY_CONTAINER_SKIPPED"):
        return os.environ["RELIABILITY_CONTAINER_SKIPPED"]
    if not targets.engine_answers():
        return "no Docker engine answers (`docker info`); scripts/start-docker-engine.sh starts one"
    if not os.environ.get("RELIABILITY_IMAGE"):
        return "no image: RELIABILITY_IMAGE is not set"
    return None


def git_revision() -> str:
    out = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def run(s: dict, scheduling: str, nofile: int) -> list:
    env = server_env()

    def local():
        return targets.Local(env, nofile)

    rows = []
    only = s["only"]
    if "sweep" in only:
        log(f"concurrency sweep {s['sweep']}, {s['rounds']} rounds of {s['seconds']} s")
        rows += load.sweep(local, s["sweep"], s["rounds"], s["seconds"])
    if "many" in only:
        log(f"{s['many']} connections for {s['many_seconds']} s")
        rows.append(load.many_connections(local, s["many"], s["many_seconds"]))
    if "soak" in only:
        log(f"soak for {s['soak_seconds']} s")
        rows.append(load.soak(local, s["soak_seconds"]))
    if "slowloris" in only:
        log(f"slowloris {s['slowloris']} for {s['attack_seconds']} s")
        rows.append(attacks.under_attack(local, "slowloris", s["slowloris"], s["attack_seconds"]))
    if "flood" in only:
        log(f"pipelining flood {s['flood']} for {s['attack_seconds']} s")
        rows.append(attacks.under_attack(local, "flood", s["flood"], s["attack_seconds"]))
    if "fuzz" in only:
        log(f"fuzz {s['fuzz']} requests, seed {s['seed']}")
        rows.append(attacks.fuzzing(local, s["fuzz"], s["seed"]))
    if "faults" in only:
        log("faults (make run)")
        rows += faults.rows(local, targets.Local.kind, s["stop_connections"])
    if "container" in only:
        reason = container_skip_reason(s)
        if reason:
            log(f"container faults skipped: {reason}")
            rows.append(report.Row("faults (container)", "as for make run", f"skipped: {reason}", report.SKIP))
        else:
            image = os.environ["RELIABILITY_IMAGE"]
            log(f"faults (container {image})")
            container_env = {**env, "IMAGE": image, "BASE_PATH": "dev"}
            rows += faults.rows(
                lambda: targets.Container(image, container_env),
                targets.Container.kind,
                s["stop_connections"],
            )
    if "stress" in only:
        log(f"/dev/host during 100 % stress for {s['stress_seconds']} s")
        rows.append(load.during_stress(local, s["stress_seconds"], scheduling))
    return rows


def main() -> int:
    try:
        s = settings()
    except UsageError as e:
        print(f"reliability: {e}", file=sys.stderr)
        return 2
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < CLIENT_NOFILE:
        print(
            f"reliability: needs {CLIENT_NOFILE} open files for the clients; the hard limit is {hard}", file=sys.stderr
        )
        return 2
    # The clients take what they need; the server starts with the limit `make run` would have had.
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    try:
        with CpuGroup(os.environ.get("RELIABILITY_CPU_GROUP", "auto") != "off") as group:
            log(f"scheduling: {group.description}")
            rows = run(s, group.description, soft)
    except OSError as e:
        # Each row reports its own failures; this is the set-up around them (the CPU cgroup).
        print(
            f"reliability: set-up failed: {e} (RELIABILITY_CPU_GROUP=off runs without the CPU cgroup)", file=sys.stderr
        )
        return 2
    load_after = os.getloadavg()
    header = [
        f"`make reliability` {started:%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, revision "
        f"{git_revision()}, took {(datetime.now(UTC) - started).total_seconds() / 60:.1f} min",
        f"server: {' '.join(f'{k}={v}' for k, v in server_env().items())} (other settings: defaults); "
        f"open files: server {soft}, clients {hard}; scheduling: {group.description}",
        f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after: other work on the machine "
        "shows here; wrk -t1, --timeout 2s, 127.0.0.1",
    ]
    print()
    print("\n".join(header))
    print()
    print(report.text_table(rows))
    code = report.exit_code(rows)
    try:
        s["results"].mkdir(parents=True, exist_ok=True)
        path = s["results"] / f"reliability-{started:%Y%m%d-%H%M%S}.md"
        path.write_text("\n\n".join(["\n".join(f"{line}  " for line in header), report.markdown_table(rows)]) + "\n")
        print(f"\nwritten to {path}")
    except OSError as e:
        print(f"reliability: could not write the results: {e}", file=sys.stderr)
        return 2
    passed = sum(r.verdict == report.PASS for r in rows)
    print(f"{passed} of {len(rows)} rows passed" + ("" if code == 0 else "; see the FAIL rows"))
    return code


if __name__ == "__main__":
    sys.exit(main())
