"""Runs the benchmark inside one CPU cgroup of its own, the way the task runs on ECS (one container cgroup).

Why: SCHED_IDLE (the stress threads' policy) only ranks threads against others in the same scheduling
group. On a desktop or VM with `kernel.sched_autogroup_enabled=1` and every process in the root CPU
cgroup, each session is its own group: the app, nginx (which the entrypoint starts with setsid) and wrk
are three groups, and the app's group, while its request threads wait, spends its fair share on stress,
so nginx and wrk wait for the stress threads' slices (measured: /dev/host p99 ~17-29 ms during 100 %
stress, against ~2.5 ms with everything in one group). Autogroups only apply to tasks in the root CPU
cgroup, so moving this process (and with it every child: entrypoint, app, nginx, wrk) into a child CPU
cgroup gives the scheduling a container has, with wrk standing in for a client on another machine.

`BENCH_CPU_GROUP=off` keeps the placement the machine gives (to see the autogroup effect).
"""

import os
import time
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/cpu")
V2_ROOT = Path("/sys/fs/cgroup")


def autogroup_enabled() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def _v2_cpu_enabled() -> bool:
    try:
        return "cpu" in (V2_ROOT / "cgroup.subtree_control").read_text().split()
    except OSError:
        return False


def current_cpu_cgroup() -> str:
    """This process's CPU cgroup path from /proc/self/cgroup (the v1 `cpu` line, else the v2 path); '/' when
    it is the root or when v2's cpu controller is off (then every task shares the root's CPU scheduling)."""
    v2 = "/"
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "cpu" in controllers.split(","):
            return path
        if controllers == "":
            v2 = path
    return v2 if _v2_cpu_enabled() else "/"


def _hierarchy_root():
    """The root of the hierarchy holding the cpu controller, or None."""
    if (V1_ROOT / "cpu.shares").exists():
        return V1_ROOT
    return V2_ROOT if _v2_cpu_enabled() else None


class CpuGroup:
    """Context manager: moves this process into a fresh child CPU cgroup when that changes anything
    (autogroups on, process in the root CPU cgroup) and is allowed (root); removes it afterwards."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.path = None
        self.description = ""

    def __enter__(self) -> "CpuGroup":
        current = current_cpu_cgroup()
        root = _hierarchy_root()
        if not self.enabled:
            self.description = f"as started (CPU cgroup {current}, autogroup {'on' if autogroup_enabled() else 'off'})"
        elif current != "/" or not autogroup_enabled():
            self.description = f"as started (CPU cgroup {current}: no autogroups apply)"
        elif root is None or os.geteuid() != 0:
            self.description = (
                "as started: autogroup on, no writable CPU cgroup; SCHED_IDLE stress competes "
                "as a session group, so the stress p99 overstates what a container sees"
            )
        else:
            self.path = root / f"fcgiapp-bench-{os.getpid()}"
            self.path.mkdir()
            (self.path / "cgroup.procs").write_text(str(os.getpid()))
            self.description = f"one CPU cgroup /{self.path.name}, as in a container (autogroup on the host)"
        return self

    def __exit__(self, *_exc) -> None:
        if self.path is None:
            return
        (self.path.parent / "cgroup.procs").write_text(str(os.getpid()))
        deadline = time.monotonic() + 5  # stopped servers' processes may take a moment to be reaped
        while True:
            try:
                self.path.rmdir()
                return
            except OSError:
                if time.monotonic() > deadline:
                    print(f"bench: warning: could not remove {self.path}", flush=True)
                    return
                time.sleep(0.1)
