"""Runs the loop demand -> CPUUtilization datapoints -> alarms -> step policies -> desired count -> tasks, one
second at a time, and judges the outcome (converges, oscillates, hits the maximum).

Timing assumptions (each a parameter): CloudWatch evaluates the alarms once a minute, on datapoints of
periods that ended at least `metric_delay` seconds earlier (AWS/ECS publishes one-minute CPUUtilization
with about a minute of delay); a scaling activity sets the desired count at once and ECS starts or stops
tasks at once (service.py models the task's own start-up, health checks and draining).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from .alarm import ALARM, MetricAlarm
from .demand import Demand
from .policy import Activity, ScalableTarget, StepPolicy
from .service import EcsService
from .settings import Settings

EVALUATION_INTERVAL = 60


@dataclass
class Sample:
    t: int
    demand: float
    cpu: float | None
    desired: int
    pending: int
    running: int
    healthy: int
    up_state: str
    down_state: str


@dataclass
class Evaluation:
    t: int
    datapoint: float | None
    up_state: str
    down_state: str
    activity: Activity | None


@dataclass
class Timing:
    start: float
    end: float | None
    target: int
    stages: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float | None:
        return None if self.end is None else self.end - self.start


@dataclass
class Result:
    settings: Settings
    demand: Demand
    samples: list[Sample]
    evaluations: list[Evaluation]
    activities: list[Activity]
    datapoints: list[float | None]
    period: int
    verdict: str
    notes: list[str]
    scale_outs: list[Timing]
    scale_ins: list[Timing]


@dataclass
class Model:
    """The alarms, policies, scalable target and ECS service of one service root, stepped together."""

    up: MetricAlarm
    down: MetricAlarm
    up_policy: StepPolicy
    down_policy: StepPolicy
    target: ScalableTarget
    service: EcsService
    metric_delay: int = 60
    deployments: Sequence[tuple[float, float]] = ()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        start_seconds: float = 60,
        metric_delay: int = 60,
        deployments: Sequence[tuple[float, float]] = (),
    ) -> Model:
        up, down, up_policy, down_policy = settings.wiring()
        check = settings["target_health_check"]
        minimum = int(settings["min_task_count"])
        service = EcsService.with_running(
            minimum,
            start_seconds=start_seconds,
            health_seconds=check["interval"] * check["healthy_threshold"],
            drain_seconds=settings["deregistration_delay_seconds"],
        )
        target = ScalableTarget(minimum, minimum, int(settings["max_scaled_task_count"]))
        return cls(up, down, up_policy, down_policy, target, service, metric_delay, deployments)

    def complete_datapoints(self, datapoints: Sequence[float | None], now: float) -> list[float | None]:
        """The datapoints CloudWatch has at `now`: periods that ended at least metric_delay seconds ago."""
        done = int((now - self.metric_delay) // self.up.period)
        return list(datapoints[: max(done, 0)])

    def evaluate(self, datapoints: Sequence[float | None], now: float) -> Activity | None:
        """One alarm evaluation at `now` and the policy each alarm in ALARM invokes (Auto Scaling actions
        repeat while the alarm stays in ALARM). Returns the last activity, if any."""
        activity = None
        deploying = any(a <= now < b for a, b in self.deployments)
        for alarm, policy in ((self.up, self.up_policy), (self.down, self.down_policy)):
            alarm.evaluate(datapoints)
            if alarm.state != ALARM or policy.name not in alarm.actions:
                continue
            window = [v for v in list(datapoints)[-alarm.evaluation_periods :] if v is not None]
            # metric_aggregation_type = "Average": the policy sees the average of the evaluated datapoints.
            value = sum(window) / len(window) if window else alarm.threshold
            done = self.target.execute(policy, value, alarm.threshold, now, deploying)
            activity = done or activity
        return activity


def simulate(
    settings: Settings,
    demand: Demand,
    duration: float,
    start_seconds: float = 60,
    metric_delay: int = 60,
    deployments: Sequence[tuple[float, float]] = (),
) -> Result:
    model = Model.from_settings(settings, start_seconds, metric_delay, deployments)
    period = model.up.period
    samples: list[Sample] = []
    evaluations: list[Evaluation] = []
    datapoints: list[float | None] = []
    bucket: list[float] = []
    for t in range(int(duration) + 1):
        if t and t % period == 0:
            datapoints.append(sum(bucket) / len(bucket) if bucket else None)
            bucket = []
        if t and t % EVALUATION_INTERVAL == 0:
            seen = model.complete_datapoints(datapoints, t)
            activity = model.evaluate(seen, t)
            evaluations.append(Evaluation(t, seen[-1] if seen else None, model.up.state, model.down.state, activity))
        model.service.reconcile(model.target.capacity, t)
        load = demand.at(t)
        cpu = model.service.cpu_percent(load, t)
        if cpu is not None:
            bucket.append(cpu)
        c = model.service.counts(t)
        samples.append(
            Sample(
                t,
                load,
                cpu,
                model.target.capacity,
                c["pending"],
                c["running"],
                c["healthy"],
                model.up.state,
                model.down.state,
            )
        )
    verdict, notes = judge(model, demand, samples, evaluations)
    outs, ins = timings(demand, samples, model.target.activities)
    return Result(
        settings, demand, samples, evaluations, model.target.activities, datapoints, period, verdict, notes, outs, ins
    )


def _segments(demand: Demand, end: float) -> list[tuple[float, float, float]]:
    pts = list(demand.points)
    return [(t, pts[i + 1][0] if i + 1 < len(pts) else end, v) for i, (t, v) in enumerate(pts)]


def judge(model: Model, demand: Demand, samples: list[Sample], evaluations: list[Evaluation]) -> tuple[str, list[str]]:
    """converges / oscillates / hits max, with the reasons."""
    end = samples[-1].t
    notes: list[str] = []
    verdict = "converges"
    at_max = [
        e
        for e in evaluations
        if e.up_state == ALARM
        and samples[e.t].desired >= model.target.max_capacity
        and samples[e.t].healthy >= model.target.max_capacity
    ]
    if at_max:
        verdict = "hits max"
        notes.append(
            f"CPU stays at or above {model.up.threshold:g}% with all {model.target.max_capacity} tasks "
            f"healthy (first at {fmt(at_max[0].t)}): raise max_scaled_task_count or expect slow answers"
        )
    for start, stop, value in _segments(demand, end):
        inside = [a for a in model.target.activities if start <= a.time < stop]
        signs = [1 if a.new > a.old else -1 for a in inside]
        reversals = sum(1 for a, b in itertools.pairwise(signs) if a != b)
        if reversals >= 2:
            verdict = "oscillates"
            notes.append(
                f"demand {value:g} from {fmt(start)}: {reversals} reversals of direction "
                f"({' '.join(f'{a.old}->{a.new}' for a in inside)}); widen the gap between the thresholds"
            )
    last = model.target.activities[-1].time if model.target.activities else 0
    tail = max(model.up_policy.cooldown, model.down_policy.cooldown) + model.down.evaluation_periods * model.down.period
    if verdict == "converges" and end - last < tail and end > demand.last_change:
        verdict = "not settled"
        notes.append(f"last scaling activity at {fmt(last)}, too close to the end; simulate longer (--minutes)")
    return verdict, notes


def timings(demand: Demand, samples: list[Sample], activities: list[Activity]) -> tuple[list[Timing], list[Timing]]:
    """For each demand change, how long until the task count settled: scale-out ends when the most tasks of the
    stretch are healthy, scale-in when the fewest remain running."""
    end = samples[-1].t
    outs: list[Timing] = []
    ins: list[Timing] = []
    previous = samples[0].desired
    for start, stop, _ in _segments(demand, end):
        inside = [a for a in activities if start <= a.time < stop]
        if not inside:
            continue
        stretch = samples[int(start) : int(stop) + 1]
        if inside[-1].new > previous:
            peak = max(s.desired for s in stretch)
            done = next((s.t for s in stretch if s.healthy >= peak), None)
            timing = Timing(start, done, peak, [(f"desired {a.old}->{a.new}", a.time) for a in inside])
            outs.append(timing)
        elif inside[-1].new < previous:
            low = min(s.desired for s in stretch)
            done = next(
                (s.t for s in stretch if s.desired == low and s.running == low and s.t >= inside[-1].time), None
            )
            ins.append(Timing(start, done, low, [(f"desired {a.old}->{a.new}", a.time) for a in inside]))
        previous = inside[-1].new
    return outs, ins


def fmt(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s"
