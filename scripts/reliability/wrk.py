"""wrk (Debian's) against 127.0.0.1 with --latency, read through wrk-report.lua: requests/s, p50/p99 and
every kind of error wrk counts (connect, read, write, timeout, non-2xx/3xx answers)."""

import json
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPORT_SCRIPT = Path(__file__).with_name("wrk-report.lua")
# wrk's own default: a request without an answer after this long counts as a timeout.
TIMEOUT = "2s"


@dataclass
class WrkResult:
    requests: int
    seconds: float
    connect: int
    read: int
    write: int
    status: int
    timeout: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.connect + self.read + self.write + self.status + self.timeout

    def error_text(self) -> str:
        """'0 errors', or each kind that occurred."""
        if not self.errors:
            return "0 errors"
        kinds = ("connect", "read", "write", "timeout")
        parts = [f"{getattr(self, k):,} {k}" for k in kinds if getattr(self, k)]
        if self.status:
            parts.append(f"{self.status:,} non-2xx")
        return f"{self.errors:,} errors (" + ", ".join(parts) + ")"


def combined(runs) -> WrkResult:
    """Several runs as one: counts summed, latencies the medians of the runs' figures."""
    counts = ("requests", "seconds", "connect", "read", "write", "status", "timeout")
    latencies = ("p50_ms", "p99_ms", "max_ms")
    return WrkResult(
        **{k: sum(getattr(r, k) for r in runs) for k in counts},
        **{k: statistics.median(getattr(r, k) for r in runs) for k in latencies},
    )


def start(port: int, connections: int, seconds: float, path: str = "/dev/host") -> subprocess.Popen:
    """wrk -t1 (one client thread leaves the servers the rest of a small machine), in the background."""
    return subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={TIMEOUT}",
            "--latency",
            "-s",
            str(REPORT_SCRIPT),
            f"http://127.0.0.1:{port}{path}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, seconds: float) -> WrkResult:
    """Waits (bounded) for a wrk started by start() and reads its report line."""
    try:
        out, err = proc.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError("wrk did not finish in time") from None
    line = next((x for x in out.splitlines() if x.startswith("{")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err.strip() or out.strip()}")
    r = json.loads(line)
    return WrkResult(
        requests=int(r["requests"]),
        seconds=r["duration_us"] / 1e6,
        connect=int(r["connect"]),
        read=int(r["read"]),
        write=int(r["write"]),
        status=int(r["status"]),
        timeout=int(r["timeout"]),
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        max_ms=r["max_us"] / 1000,
    )


def run(port: int, connections: int, seconds: float, path: str = "/dev/host") -> WrkResult:
    return finish(start(port, connections, seconds, path), seconds)
