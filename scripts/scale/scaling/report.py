"""Text for people: the simulated timeline, the verdict and the scale-out/scale-in times."""

from __future__ import annotations

from .chartdata import ChartData
from .simulation import Result, Timing, fmt


def chart_data(result: Result, title: str) -> ChartData:
    up, down, _, _ = result.settings.wiring()
    data = ChartData(title, up.threshold, down.threshold, int(result.settings["max_scaled_task_count"]))
    for s in result.samples[::5]:
        data.add(s.t, s.cpu, s.desired, s.running, s.healthy, s.up_state == "ALARM", s.down_state == "ALARM")
    data.activities = [(a.time, f"{a.old}->{a.new}") for a in result.activities]
    return data


def timeline(result: Result) -> str:
    rows = ["  time  demand   CPU%  datapoint  desired running healthy  scale-up alarm     scale-down alarm   activity"]
    for e in result.evaluations:
        s = result.samples[e.t]
        dp = "-" if e.datapoint is None else f"{e.datapoint:.1f}"
        cpu = "-" if s.cpu is None else f"{s.cpu:.1f}"
        act = f"{e.activity.old}->{e.activity.new} ({e.activity.cause})" if e.activity else ""
        rows.append(
            f"{fmt(e.t):>6}  {s.demand:>6.2f} {cpu:>6} {dp:>10}  {s.desired:>7} {s.running:>7} {s.healthy:>7}"
            f"  {e.up_state:<17}  {e.down_state:<17}  {act}"
        )
    return "\n".join(rows) + "\n"


def _timing(kind: str, t: Timing) -> str:
    stages = ", ".join(f"{label} at {fmt(at)}" for label, at in t.stages)
    if t.end is None:
        return f"{kind} from {fmt(t.start)}: not finished by the end ({stages})"
    what = "healthy" if kind == "scale-out" else "running"
    return f"{kind} from {fmt(t.start)}: {t.target} task(s) {what} after {fmt(t.seconds)} ({stages})"


def summary(result: Result) -> list[str]:
    lines = [f"verdict: {result.verdict}"]
    lines += [f"  {n}" for n in result.notes]
    lines += [_timing("scale-out", t) for t in result.scale_outs]
    lines += [_timing("scale-in", t) for t in result.scale_ins]
    if not result.activities:
        lines.append("no scaling activity: the demand never crossed a threshold long enough")
    return lines
