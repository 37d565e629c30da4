"""The scale-sim command as a user runs it: fast, a real PNG, the verdict, clear errors on bad input."""

import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SIM = REPO / "scripts" / "scale" / "scale-sim"


def run(*args):
    return subprocess.run([sys.executable, str(SIM), *args], capture_output=True, text=True, timeout=30, check=False)


def test_default_run_is_fast_and_writes_a_readable_png(tmp_path):
    png = tmp_path / "chart.png"
    started = time.monotonic()
    out = run("--demand", "0:0.3,2m:3.5,12m:0.3", "--png", str(png))
    elapsed = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    assert elapsed < 3  # the simulation itself is ~0.2 s; the rest is interpreter start-up on a busy machine
    assert "verdict: hits max" in out.stdout
    assert "desired 1->3 at 4m00s" in out.stdout and "desired 2->1 at 20m00s" in out.stdout
    assert "simulated time" in out.stdout
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    length = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41 : 41 + length])
    assert len(raw) == height * (1 + 3 * width)
    assert len({raw[i : i + 3] for i in range(1, len(raw), 3)}) > 5  # drawn, not a blank page


def test_settings_override_changes_the_outcome():
    out = run("--demand", "0:0.3,1m:3.5", "--set", "max_scaled_task_count=6", "--minutes", "30", "--no-timeline")
    assert out.returncode == 0, out.stderr
    assert "verdict: converges" in out.stdout


def test_bad_input_is_a_clear_error_not_a_traceback():
    for args in (
        ["--demand", "2m"],
        ["--set", "nope=1"],
        ["--set", "max_scaled_task_count"],
        ["--deployment", "5m"],
        ["--plan-json", "/nonexistent.json"],
    ):
        out = run(*args)
        assert out.returncode == 2, args
        assert out.stderr.startswith("scale-sim: error:") and "Traceback" not in out.stderr, out.stderr
