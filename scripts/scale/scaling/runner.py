"""scale-test's loop: load or drill a stack, poll it, keep a timeline, measure scale-out and scale-in, and
judge the expectations by a deadline. The clock is passed in, so the offline rehearsal can run it faster
than real time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .chartdata import ChartData
from .load import LoadDriver
from .stack import Snapshot, Stack


class RealClock:
    label = "real time"

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class Plan:
    mode: str  # "load" or "drill"
    demand: float = 0.0
    load_seconds: float = 600
    deadline_seconds: float = 1800
    poll_seconds: float = 15
    expect_max: int | None = None
    expect_back_to_min: bool = False
    min_tasks: int = 1
    up_step: int = 1
    up_threshold: float = 70
    down_threshold: float = 20
    max_tasks: int = 4


@dataclass
class RunResult:
    plan: Plan
    start: float
    snapshots: list[Snapshot] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    passed: bool = False
    verdicts: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)

    def chart(self, title: str) -> ChartData:
        p = self.plan
        data = ChartData(title, p.up_threshold, p.down_threshold, p.max_tasks)
        for s in self.snapshots:
            data.add(
                s.t - self.start,
                s.cpu,
                s.desired,
                s.running,
                s.healthy if s.healthy is not None else s.running,
                s.up_state == "ALARM",
                s.down_state == "ALARM",
            )
        prev = None
        for s in self.snapshots:
            if prev is not None and s.desired != prev:
                data.activities.append((s.t - self.start, f"{prev}->{s.desired}"))
            prev = s.desired
        return data


def _mmss(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s"


def run(
    plan: Plan,
    stack: Stack,
    clock,
    load: LoadDriver | None = None,
    echo: Callable[[str], None] = lambda line: print(line, flush=True),
) -> RunResult:
    start = clock.now()
    result = RunResult(plan, start)
    stack.activities()  # activities from before the run are history, not events of this one
    first = stack.snapshot(start)
    baseline = first.desired
    echo(f"scale-test: {plan.mode} mode, {clock.label}; start desired={first.desired} running={first.running}")
    echo("  time   CPU%  desired running pending healthy  scale-up alarm     scale-down alarm   events")
    drill_stage = "up"
    load_stopped = plan.mode != "load"
    marks: dict = {}
    if plan.mode == "drill":
        stack.set_alarm(stack.names.up_alarm, "ALARM", "scale-test drill: scale-up")
        marks["up alarm"] = start
        result.events.append(f"{_mmss(0)} drill: scale-up alarm set to ALARM")
    peak = first.desired
    snap = first
    while True:
        now = clock.now()
        elapsed = now - start
        if plan.mode == "load" and not load_stopped:
            if elapsed >= plan.load_seconds:
                missing = load.stop()
                load_stopped = True
                result.events.append(
                    f"{_mmss(elapsed)} load stopped on {len(load.hosts)} task(s)"
                    + (f", {len(missing)} did not confirm" if missing else "")
                )
            else:
                # Only tasks the load balancer routes to can take a share: healthy targets when target health
                # is readable, else every running task.
                serving = max(snap.healthy if snap.healthy is not None else snap.running, 1)
                reached = load.round(plan.demand, serving, int(plan.poll_seconds * 2 + 30))
                if len(reached) < serving:
                    result.events.append(f"{_mmss(elapsed)} only {len(reached)} of {serving} tasks reached")
        snap = stack.snapshot(now)
        result.snapshots.append(snap)
        peak = max(peak, snap.desired)
        for key, cond in (
            ("up alarm", snap.up_state == "ALARM"),
            ("desired up", snap.desired > baseline),
            ("running up", snap.running > baseline),
            ("healthy up", (snap.healthy if snap.healthy is not None else snap.running) >= peak > baseline),
            ("down alarm", "desired up" in marks and snap.down_state == "ALARM"),
            ("desired down", "desired up" in marks and snap.desired < peak),
            (
                "back to min",
                "desired up" in marks
                and snap.desired == plan.min_tasks
                and snap.running == plan.min_tasks
                and snap.pending == 0,
            ),
        ):
            if cond and key not in marks:
                marks[key] = now
        events = list(snap.activities)
        if (
            plan.mode == "drill"
            and drill_stage == "up"
            and snap.desired >= min(baseline + plan.up_step, plan.max_tasks)
            and snap.desired > baseline
        ):
            stack.set_alarm(stack.names.down_alarm, "ALARM", "scale-test drill: scale-down")
            marks["down alarm"] = now
            drill_stage = "down"
            events.append("drill: scale-down alarm set to ALARM")
        cpu = "-" if snap.cpu is None else f"{snap.cpu:.1f}"
        healthy = "-" if snap.healthy is None else str(snap.healthy)
        line = (
            f"{_mmss(elapsed):>6} {cpu:>6}  {snap.desired:>7} {snap.running:>7} {snap.pending:>7} {healthy:>7}  "
            f"{snap.up_state:<17}  {snap.down_state:<17}  {'; '.join(events)}"
        )
        echo(line)
        result.events += [f"{_mmss(elapsed)} {e}" for e in events]
        if _met(plan, marks, peak, load_stopped, drill_stage):
            result.passed = True
            break
        if elapsed >= plan.deadline_seconds:
            break
        clock.sleep(plan.poll_seconds)
    if plan.mode == "load" and not load_stopped:
        load.stop()
    result.stages = _stages(marks, start)
    result.verdicts = _verdicts(plan, marks, peak, result.passed)
    return result


def _met(plan: Plan, marks: dict, peak: int, load_stopped: bool, drill_stage: str) -> bool:
    if plan.mode == "drill":
        return drill_stage == "down" and "desired down" in marks
    if plan.expect_max is not None and peak < plan.expect_max:
        return False
    if plan.expect_back_to_min:
        return load_stopped and "back to min" in marks
    return load_stopped and (plan.expect_max is None or peak >= plan.expect_max)


def _stages(marks: dict, start: float) -> list[str]:
    order = ["up alarm", "desired up", "running up", "healthy up", "down alarm", "desired down", "back to min"]
    out = [f"{k}: {_mmss(marks[k] - start)}" for k in order if k in marks]
    if "up alarm" in marks and "healthy up" in marks:
        out.append(f"scale-out (alarm -> all new tasks healthy): {_mmss(marks['healthy up'] - marks['up alarm'])}")
    if "down alarm" in marks and "back to min" in marks:
        out.append(f"scale-in (alarm -> back to min): {_mmss(marks['back to min'] - marks['down alarm'])}")
    return out


def _verdicts(plan: Plan, marks: dict, peak: int, passed: bool) -> list[str]:
    out = []
    if plan.mode == "drill":
        out.append(
            "drill passed: alarm -> policy -> desired count both ways"
            if passed
            else "drill FAILED: "
            + (
                "desired count never rose after the scale-up alarm"
                if "desired up" not in marks
                else "desired count never fell after the scale-down alarm"
            )
        )
        return out
    if plan.expect_max is not None:
        out.append(
            f"expect max {plan.expect_max}: reached {peak} -> " + ("ok" if peak >= plan.expect_max else "FAILED")
        )
    if plan.expect_back_to_min:
        out.append(f"expect back to min {plan.min_tasks}: " + ("ok" if "back to min" in marks else "FAILED"))
    if not out:
        out.append(f"no expectation given; peak {peak} task(s)")
    return out
