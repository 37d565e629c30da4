"""Application Auto Scaling: a scalable target with min/max capacity and StepScaling policies.

Rules encoded (AWS docs, "Step scaling policies for Application Auto Scaling", API reference
"StepAdjustment" and "StepScalingPolicyConfiguration"):
- step bounds are offsets from the alarm threshold (breach = metric - threshold). Above the threshold the
  lower bound is inclusive and the upper exclusive; below it, the lower bound is exclusive and the upper
  inclusive; a metric exactly at the threshold matches a step bounded by 0 on either side (the API
  reference's examples: lower 0/upper 10 is "50 <= metric < 60", lower -10/upper 0 is "40 < metric <= 50");
  a missing bound is -/+ infinity;
- ChangeInCapacity adds the adjustment to the current capacity; the result never leaves [min, max];
- scale-out cooldown: while it runs, the capacity added by the activity that started it counts as part of
  the next scale-out (an alarm asking +3 after a +2 adds only 1); a larger scale-out may still happen;
- scale-in cooldown: blocks further scale-in until it has expired; a scale-out during it happens at once
  and ends the scale-in cooldown;
- ECS: scale-in is suspended while a service deployment is in progress ("Automatically scale your Amazon
  ECS service", Amazon ECS Developer Guide).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StepAdjustment:
    scaling_adjustment: int
    lower: float | None = None
    upper: float | None = None

    def matches(self, breach: float) -> bool:
        lo = -math.inf if self.lower is None else self.lower
        hi = math.inf if self.upper is None else self.upper
        if breach > 0:
            return lo <= breach < hi
        if breach < 0:
            return lo < breach <= hi
        # At the threshold itself both documented examples match: [0, 10) includes 50 and (-10, 0] too.
        return lo <= 0 <= hi


@dataclass
class StepPolicy:
    name: str
    steps: Sequence[StepAdjustment]
    cooldown: int
    adjustment_type: str = "ChangeInCapacity"

    def __post_init__(self) -> None:
        if self.adjustment_type != "ChangeInCapacity":
            raise ValueError(f"policy {self.name}: only ChangeInCapacity is modelled")
        if not self.steps:
            raise ValueError(f"policy {self.name}: needs at least one step adjustment")

    def adjustment(self, metric: float, threshold: float) -> int | None:
        breach = metric - threshold
        for step in self.steps:
            if step.matches(breach):
                return step.scaling_adjustment
        return None


@dataclass
class Activity:
    time: float
    policy: str
    old: int
    new: int
    cause: str


@dataclass
class ScalableTarget:
    capacity: int
    min_capacity: int
    max_capacity: int
    activities: list[Activity] = field(default_factory=list)
    _out_until: float = -math.inf
    _out_base: int = 0
    _in_until: float = -math.inf

    def clamp(self, value: int) -> int:
        return max(self.min_capacity, min(self.max_capacity, value))

    def execute(
        self, policy: StepPolicy, metric: float, threshold: float, now: float, deployment_in_progress: bool = False
    ) -> Activity | None:
        """Runs the policy for an alarm evaluated at `now` with `metric`; returns the activity, if any."""
        adj = policy.adjustment(metric, threshold)
        if not adj:
            return None
        cause = f"{metric:.1f} vs threshold {threshold:g}: step {adj:+d}"
        if adj > 0:
            if now < self._out_until:
                # Cooldown: the capacity the initiating scale-out added counts toward this one.
                wanted = self.clamp(self._out_base + adj)
                if wanted <= self.capacity:
                    return None
                return self._set(wanted, policy, now, cause + " (in cooldown, larger step)")
            wanted = self.clamp(self.capacity + adj)
            if wanted == self.capacity:
                return None
            self._out_base = self.capacity
            self._out_until = now + policy.cooldown
            self._in_until = -math.inf
            return self._set(wanted, policy, now, cause)
        if deployment_in_progress or now < self._in_until:
            return None
        wanted = self.clamp(self.capacity + adj)
        if wanted == self.capacity:
            return None
        self._in_until = now + policy.cooldown
        return self._set(wanted, policy, now, cause)

    def _set(self, new: int, policy: StepPolicy, now: float, cause: str) -> Activity:
        activity = Activity(now, policy.name, self.capacity, new, cause)
        self.capacity = new
        self.activities.append(activity)
        return activity
