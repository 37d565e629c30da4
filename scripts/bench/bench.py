#!/usr/bin/env python3
"""`make bench`: /dev/host through nginx + FastCGI + FCGIApp against its peers and nginx alone, then stress.

Run by scripts/bench.sh (which installs wrk, PHP-FPM and gcc and builds the release binary). Every server
runs at the same time with the same nginx settings: FCGIApp, the peers (PHP-FPM and a C libfcgi responder,
peers.py) and the baseline (nginx alone). wrk -t1 -c64 takes turns between them for several rounds and the
medians are printed next to the targets. Timing is not asserted: this prints, `make test` asserts.
"""

import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "http"))
from cpugroup import CpuGroup  # noqa: E402  (scripts/bench/, this script's directory)
from httpsupport import REPO, Server, cpu_seconds, descendants, free_port, get  # noqa: E402
from peers import CResponder, PeerRefused, PhpFpm, answer_problems  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
DURATION = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
STRESS_WINDOW = float(os.environ.get("BENCH_STRESS_SECONDS", "5"))  # 0 skips the stress table
CPU_GROUP = os.environ.get("BENCH_CPU_GROUP", "auto") != "off"  # see cpugroup.py
PEERS = {"php": PhpFpm, "c": CResponder}
# Which peers get a row (comma-separated names of PEERS; empty for none).
PEER_NAMES = [name for name in os.environ.get("BENCH_PEERS", "php,c").split(",") if name]
# Sizing settings passed to the entrypoint (and mirrored in the baseline) when set.
SETTINGS = (
    "NGINX_WORKER_PROCESSES",
    "NGINX_WORKER_CONNECTIONS",
    "NGINX_UPSTREAM_KEEPALIVE",
    "FCGI_WORKERS",
    "FCGI_BACKLOG",
    "NGINX_ACCESS_LOG",
)

TARGET_RATIO = 0.30
TARGET_P99_MS = 5.0
TARGET_RSS_MB = 15.0
TARGET_STRESS_POINTS = 3.0
TARGET_STRESS_P99_MS = 10.0


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# MARK: wrk


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, seconds: int = DURATION) -> dict:
    """One wrk run against /dev/host: requests/s, p50/p99 (ms), total requests, errors."""
    url = f"http://127.0.0.1:{port}/dev/host"
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "socket_errors": m.group(0) if (m := re.search(r"Socket errors: .*", out)) else "",
    }
    if result["non2xx"] or result["socket_errors"]:
        log(f"warning: {result['non2xx']} non-2xx answers; {result['socket_errors']}")
    return result


# MARK: processes


def tree_cpu(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:
            pass
    return total


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages divided among the processes sharing them, so a pool of processes
    (PHP-FPM's children) is not counted once per child for its shared code."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    return kb / 1024


class Baseline:
    """nginx alone, from scripts/bench/nginx-baseline.conf.template."""

    def __init__(self, body: bytes, env: dict):
        self.dir = Path(tempfile.mkdtemp(prefix="fcgi-bench-"))
        self.dir.chmod(0o755)
        self.port = free_port()
        text = body.decode()
        if any(c in text for c in "'\\$\n"):
            raise SystemExit("bench: the /dev/host body cannot be embedded in the baseline config")
        access_log = env.get("NGINX_ACCESS_LOG", "/dev/stdout")
        values = {
            "NGINX_WORKER_PROCESSES": env["NGINX_WORKER_PROCESSES"],
            "NGINX_WORKER_CONNECTIONS": env["NGINX_WORKER_CONNECTIONS"],
            "NGINX_ACCESS_LOG_DIRECTIVE": "off"
            if access_log == "off"
            else f"{self.dir}/access.log json buffer=16k flush=1s",
            "BENCH_DIR": str(self.dir),
            "BENCH_PORT": str(self.port),
            "BENCH_BODY": text,
        }
        config = (REPO / "scripts" / "bench" / "nginx-baseline.conf.template").read_text()
        for name, value in values.items():
            config = config.replace("${" + name + "}", value)
        (self.dir / "nginx.conf").write_text(config)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen(
            [nginx, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/dev/host", timeout=1).body == body:
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("bench: the baseline nginx did not start")

    def pids(self):
        return [self.proc.pid, *descendants(self.proc.pid)]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_round(port: int, pids, backend_pids=()) -> dict:
    """A wrk run plus CPU figures: the servers' CPU per 10k requests (all of them, and the backend's), and
    how busy other processes kept the machine (everything but the servers and wrk), which is the noise on a
    shared machine."""
    before, app_before = tree_cpu(pids), tree_cpu(backend_pids)
    wrk_before, (idle0, total0, steal0) = children_cpu(), machine_times()
    result = wrk(port)
    idle1, total1, steal1 = machine_times()
    servers = tree_cpu(pids) - before
    per_10k = 10_000 / max(1, result["requests"])
    result["cpu_per_10k"] = servers * per_10k
    result["app_cpu_per_10k"] = (tree_cpu(backend_pids) - app_before) * per_10k
    jiffy = os.sysconf("SC_CLK_TCK")
    busy = (total1 - total0 - (idle1 - idle0)) / jiffy
    others = busy - servers - (children_cpu() - wrk_before)
    result["others_pct"] = max(0.0, others) / max(1e-9, (total1 - total0) / jiffy) * 100
    result["steal_pct"] = (steal1 - steal0) / max(1, total1 - total0) * 100
    return result


# MARK: stress


def stress_point(server: Server, percent: int) -> tuple:
    """(achieved % of the allowed CPUs, allowed CPUs, machine idle %, steal %, % of the machine other processes
    used) over STRESS_WINDOW seconds. Stress runs at the lowest priority, so other load shows as a shortfall."""
    app = server.app_pid()
    r = get(server.port, f"/dev/stress-cpu/{percent}/{int(STRESS_WINDOW) + 5}")
    cpus = r.json()["cpusAllowed"]
    time.sleep(1.0)
    idle0, total0, steal0 = machine_times()
    cpu0, t0 = cpu_seconds(app), time.monotonic()
    time.sleep(STRESS_WINDOW)
    app_cpu = cpu_seconds(app) - cpu0
    achieved = app_cpu / (time.monotonic() - t0) / cpus * 100
    idle1, total1, steal1 = machine_times()
    get(server.port, "/dev/stress-cpu/0/1")
    total = max(1, total1 - total0)
    jiffy = os.sysconf("SC_CLK_TCK")
    others = max(0.0, (total - (idle1 - idle0) - (steal1 - steal0)) / jiffy - app_cpu) / (total / jiffy) * 100
    return achieved, cpus, (idle1 - idle0) / total * 100, (steal1 - steal0) / total * 100, others


def machine_times():
    """(idle, total, steal) jiffies of the whole machine. Steal is time the hypervisor gave our vCPUs to
    someone else: no setting of ours can win it back, so the tables show it."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return fields[3] + fields[4], sum(fields[:8]), fields[7]


# MARK: report


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    with CpuGroup(CPU_GROUP) as group:
        log(f"scheduling: {group.description}")
        return run()


class Row:
    """One line of the throughput table: the port wrk loads, the processes whose CPU counts (nginx and
    backend), the backend's own processes (CPU and memory), and the rounds measured so far."""

    def __init__(self, name: str, port: int, pids, backend_pids):
        self.name, self.port, self.pids, self.backend_pids = name, port, pids, backend_pids
        self.runs = []

    def measure(self) -> dict:
        backend = self.backend_pids() if self.backend_pids else []
        self.runs.append(measured_round(self.port, self.pids(), backend))
        return self.runs[-1]

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.runs)

    def memory(self) -> tuple:
        """(RSS, PSS) of the backend's processes in MB, summed."""
        pids = self.backend_pids() if self.backend_pids else []
        return sum(rss_mb(p) for p in pids), sum(pss_mb(p) for p in pids)


def start_peers(server: Server, workers: int, body: bytes) -> tuple:
    """Starts each peer of PEER_NAMES behind a copy of the server's nginx configuration, and keeps those
    whose /dev/host answer is FCGIApp's. Returns (started peers, refusals as text)."""
    image = json.loads(body)["imageUri"]
    started, refused = [], []
    for name in PEER_NAMES:
        if name not in PEERS:
            raise SystemExit(f"bench: unknown peer {name!r} in BENCH_PEERS (known: {', '.join(PEERS)})")
        peer = PEERS[name](server.runtime_dir, workers, image)
        try:
            peer.start()
            problems = answer_problems(body, get(peer.port, "/dev/host"))
            if problems:
                raise PeerRefused("its /dev/host answer differs from FCGIApp's: " + "; ".join(problems))
            peer.check()
        except (PeerRefused, SystemExit, OSError, ValueError, subprocess.CalledProcessError) as error:
            refused.append(f"{peer.name}: no row, {error}")
            peer.stop()
            continue
        started.append(peer)
    return started, refused


def run() -> int:
    env = {name: os.environ[name] for name in SETTINGS if os.environ.get(name)}
    env.update({"NGINX_STRESS_RATE": "100r/s", "NGINX_STRESS_BURST": "100"})
    server = Server(env=env).start()
    baseline = None
    peers = []
    try:
        rendered = (server.runtime_dir / "nginx.conf").read_text()
        settings = {
            "NGINX_WORKER_PROCESSES": re.search(r"^worker_processes (\d+);", rendered, re.M).group(1),
            "NGINX_WORKER_CONNECTIONS": re.search(r"worker_connections (\d+);", rendered).group(1),
            "NGINX_UPSTREAM_KEEPALIVE": re.search(r"^\s+keepalive (\d+);", rendered, re.M).group(1),
            "FCGI_WORKERS": str(get(server.port, "/status").json()["workers"]["total"]),
            "NGINX_ACCESS_LOG": env.get("NGINX_ACCESS_LOG", "/dev/stdout"),
        }
        app = server.app_pid()
        rss_start = rss_mb(app)
        body = get(server.port, "/dev/host").body
        baseline = Baseline(body, settings)
        peers, refused = start_peers(server, int(settings["FCGI_WORKERS"]), body)
        log("settings: " + " ".join(f"{k}={v}" for k, v in settings.items()))
        log(f"{ROUNDS} rounds of wrk -t1 -c{CONNECTIONS} -d{DURATION}s, body {len(body)} bytes")
        for line in refused:
            log(line)

        nginx = server.nginx_master_pid()
        ours = Row("nginx + FCGIApp (Swift)", server.port, lambda: [app, nginx, *descendants(nginx)], lambda: [app])
        rows = [ours] + [Row(f"nginx + {p.name}", p.port, p.pids, p.backend_pids) for p in peers]
        base = Row("nginx alone (baseline)", baseline.port, baseline.pids, None)
        for row in (*rows, base):
            wrk(row.port, 2)  # warm-up: connections, thread stacks, page cache
        for i in range(ROUNDS):
            for row in (base, *rows):
                row.measure()
            log(
                f"round {i + 1}: "
                + ", ".join(f"{r.name.removeprefix('nginx + ')} {r.runs[-1]['rps']:.0f} req/s" for r in (*rows, base))
                + f"; other processes {max(r.runs[-1]['others_pct'] for r in (*rows, base)):.0f}% of the machine"
                + f" at most, steal {max(r.runs[-1]['steal_pct'] for r in (*rows, base)):.1f}%"
            )
        for row, peer in zip(rows[1:], peers, strict=True):
            errors = sum(r["non2xx"] for r in row.runs)
            if errors or any(r["socket_errors"] for r in row.runs):
                refused.append(f"{peer.name}: no row, {errors} non-2xx answers or socket errors under load")
                rows.remove(row)
        time.sleep(1.0)
        rss_idle = rss_mb(app)

        print()
        print(
            f"Throughput (medians of {ROUNDS} rounds, wrk -t1 -c{CONNECTIONS} -d{DURATION}s, loopback; every "
            "FastCGI row behind the same nginx settings)"
        )
        print(
            f"  {'':34} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'CPU s/10k':>10} {'backend':>8} "
            f"{'RSS MB':>7} {'PSS MB':>7} {'ratio':>6}"
        )
        for row in (*rows, base):
            ratio = statistics.median(a["rps"] / b["rps"] for a, b in zip(row.runs, base.runs, strict=True))
            backend = f"{row.median('app_cpu_per_10k'):8.3f}" if row.backend_pids else f"{'':8}"
            memory = "{:7.1f} {:7.1f}".format(*row.memory()) if row.backend_pids else f"{'':15}"
            print(
                f"  {row.name:34} {row.median('rps'):9.0f} {row.median('p50'):7.2f} {row.median('p99'):7.2f} "
                f"{row.median('cpu_per_10k'):10.3f} {backend} {memory} {ratio:6.2f}"
            )
        print(
            "  CPU s/10k: nginx + backend per 10,000 requests; backend: the backend alone; RSS/PSS: the backend's "
            "processes after the load"
        )
        for line in refused:
            print(f"  {line}")
        every_run = [r for row in (*rows, base) for r in row.runs]
        print(
            f"  other processes used {statistics.median(r['others_pct'] for r in every_run):.0f}% of the machine "
            f"(noise), steal {statistics.median(r['steal_pct'] for r in every_run):.1f}%"
        )
        ratio = statistics.median(a["rps"] / b["rps"] for a, b in zip(ours.runs, base.runs, strict=True))
        print(f"  ratio to baseline: {ratio:.2f}  (target >= {TARGET_RATIO:.2f}: {verdict(ratio >= TARGET_RATIO)})")
        p99 = ours.median("p99")
        print(f"  /dev/host p99: {p99:.2f} ms  (target <= {TARGET_P99_MS:.0f} ms: {verdict(p99 <= TARGET_P99_MS)})")
        print(
            f"  app RSS: {rss_start:.1f} MB at start, {rss_idle:.1f} MB idle after the load  "
            f"(target <= {TARGET_RSS_MB:.0f} MB: {verdict(rss_idle <= TARGET_RSS_MB)})"
        )
        for peer in peers:
            peer.stop()  # before the stress table: idle peers would only add noise
        peers = []
        app_pids = ours.pids()

        if STRESS_WINDOW <= 0:
            return 0
        print()
        print(f"Stress accuracy (app CPU over {STRESS_WINDOW:.0f} s from /proc, % of the allowed CPUs)")
        print(f"  {'requested':>9} {'achieved':>9} {'error':>7} {'machine idle':>13} {'steal':>6} {'others':>7}")
        for percent in (25, 50, 75, 100):
            achieved, cpus, idle, steal, others = stress_point(server, percent)
            error = achieved - percent
            print(
                f"  {percent:8d}% {achieved:8.1f}% {error:+7.1f} {idle:12.1f}% {steal:5.1f}% {others:6.0f}%  "
                f"({cpus:g} CPUs; target +/-{TARGET_STRESS_POINTS:.0f}: "
                f"{verdict(abs(error) <= TARGET_STRESS_POINTS)})"
            )
        get(server.port, f"/dev/stress-cpu/100/{DURATION + 10}")
        time.sleep(1.0)
        during = measured_round(server.port, app_pids, [app])
        get(server.port, "/dev/stress-cpu/0/1")
        print(
            f"  /dev/host during 100% stress: {during['rps']:.0f} req/s, p50 {during['p50']:.2f} ms, "
            f"p99 {during['p99']:.2f} ms  (target <= {TARGET_STRESS_P99_MS:.0f} ms: "
            f"{verdict(during['p99'] <= TARGET_STRESS_P99_MS)}); steal {during['steal_pct']:.1f}%, "
            f"other processes {during['others_pct']:.0f}% of the machine"
        )
    finally:
        for peer in peers:
            peer.stop()
        if baseline:
            baseline.stop()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
