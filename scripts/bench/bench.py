#!/usr/bin/env python3
"""`make bench`: /dev/host through nginx + FastCGI + FCGIApp against nginx alone, then stress accuracy.

Run by scripts/bench.sh (which installs wrk and builds the release binary). Both servers run at the same
time with the same worker settings; wrk -t1 -c64 alternates between them for several rounds and the
medians are printed next to the targets. Timing is not asserted: this prints, `make test` asserts.
"""

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

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
DURATION = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
STRESS_WINDOW = float(os.environ.get("BENCH_STRESS_SECONDS", "5"))  # 0 skips the stress table
CPU_GROUP = os.environ.get("BENCH_CPU_GROUP", "auto") != "off"  # see cpugroup.py
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


def measured_round(port: int, pids, app_pid=None) -> dict:
    """A wrk run plus CPU figures: the servers' CPU per 10k requests, and how busy other processes kept
    the machine (everything but the servers and wrk), which is the noise on a shared machine."""
    before, app_before = tree_cpu(pids), tree_cpu([app_pid] if app_pid else [])
    wrk_before, (idle0, total0, steal0) = children_cpu(), machine_times()
    result = wrk(port)
    idle1, total1, steal1 = machine_times()
    servers = tree_cpu(pids) - before
    per_10k = 10_000 / max(1, result["requests"])
    result["cpu_per_10k"] = servers * per_10k
    result["app_cpu_per_10k"] = (tree_cpu([app_pid] if app_pid else []) - app_before) * per_10k
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


def run() -> int:
    env = {name: os.environ[name] for name in SETTINGS if os.environ.get(name)}
    env.update({"NGINX_STRESS_RATE": "100r/s", "NGINX_STRESS_BURST": "100"})
    server = Server(env=env).start()
    baseline = None
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
        app_pids = [app, server.nginx_master_pid(), *descendants(server.nginx_master_pid())]
        log("settings: " + " ".join(f"{k}={v}" for k, v in settings.items()))
        log(f"{ROUNDS} rounds of wrk -t1 -c{CONNECTIONS} -d{DURATION}s, body {len(body)} bytes")

        wrk(server.port, 2)  # warm-up: connections, thread stacks, page cache
        wrk(baseline.port, 2)
        app_runs, base_runs = [], []
        for i in range(ROUNDS):
            base_runs.append(measured_round(baseline.port, baseline.pids()))
            app_runs.append(measured_round(server.port, app_pids, app))
            log(
                f"round {i + 1}: app {app_runs[-1]['rps']:.0f} req/s p99 {app_runs[-1]['p99']:.2f} ms, "
                f"baseline {base_runs[-1]['rps']:.0f} req/s; other processes "
                f"{app_runs[-1]['others_pct']:.0f}% / {base_runs[-1]['others_pct']:.0f}% of the machine, steal "
                f"{app_runs[-1]['steal_pct']:.1f}% / {base_runs[-1]['steal_pct']:.1f}%"
            )
        time.sleep(1.0)
        rss_idle = rss_mb(app)

        def med(runs, key):
            return statistics.median(r[key] for r in runs)

        ratio = statistics.median(a["rps"] / b["rps"] for a, b in zip(app_runs, base_runs, strict=True))
        print()
        print(f"Throughput (medians of {ROUNDS} rounds, wrk -t1 -c{CONNECTIONS} -d{DURATION}s, loopback)")
        print(f"  {'':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU s/10k':>10}")
        for name, runs in (("nginx + FastCGI /dev/host", app_runs), ("nginx alone (baseline)", base_runs)):
            print(
                f"  {name:28} {med(runs, 'rps'):9.0f} {med(runs, 'p50'):8.2f} {med(runs, 'p99'):8.2f} "
                f"{med(runs, 'cpu_per_10k'):10.3f}"
            )
        print(
            f"  of which the app: {med(app_runs, 'app_cpu_per_10k'):.3f} CPU s/10k; other processes used "
            f"{med(app_runs + base_runs, 'others_pct'):.0f}% of the machine (noise), steal "
            f"{med(app_runs + base_runs, 'steal_pct'):.1f}%"
        )
        print(f"  ratio to baseline: {ratio:.2f}  (target >= {TARGET_RATIO:.2f}: {verdict(ratio >= TARGET_RATIO)})")
        p99 = med(app_runs, "p99")
        print(f"  /dev/host p99: {p99:.2f} ms  (target <= {TARGET_P99_MS:.0f} ms: {verdict(p99 <= TARGET_P99_MS)})")
        print(
            f"  app RSS: {rss_start:.1f} MB at start, {rss_idle:.1f} MB idle after the load  "
            f"(target <= {TARGET_RSS_MB:.0f} MB: {verdict(rss_idle <= TARGET_RSS_MB)})"
        )

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
        during = measured_round(server.port, app_pids, app)
        get(server.port, "/dev/stress-cpu/0/1")
        print(
            f"  /dev/host during 100% stress: {during['rps']:.0f} req/s, p50 {during['p50']:.2f} ms, "
            f"p99 {during['p99']:.2f} ms  (target <= {TARGET_STRESS_P99_MS:.0f} ms: "
            f"{verdict(during['p99'] <= TARGET_STRESS_P99_MS)}); steal {during['steal_pct']:.1f}%, "
            f"other processes {during['others_pct']:.0f}% of the machine"
        )
    finally:
        if baseline:
            baseline.stop()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
