"""A CloudWatch metric alarm on a one-period-average metric, evaluated the way CloudWatch documents it.

Rules encoded (AWS docs, "Using Amazon CloudWatch alarms" / "Configuring how CloudWatch alarms treat
missing data" / "Alarm actions"):
- the alarm looks at the most recent `evaluation_periods` datapoints (N) and goes to ALARM when at least
  `datapoints_to_alarm` (M, default N) of them breach; otherwise OK;
- missing datapoints follow `treat_missing_data`: `missing` (the default) ignores them and, when every
  datapoint in the range is missing, the state is INSUFFICIENT_DATA; `breaching`/`notBreaching` count them
  as such; `ignore` keeps the current state when the range is all missing;
- a new alarm starts in INSUFFICIENT_DATA;
- "Except for Auto Scaling actions, the actions happen only on state transitions": an alarm whose action is
  a scaling policy invokes it at every evaluation while it stays in ALARM (once a minute for a one-minute
  period), which is what keeps a step policy scaling out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

OPERATORS = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
MISSING_TREATMENTS = ("missing", "breaching", "notBreaching", "ignore")
OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"


@dataclass
class MetricAlarm:
    name: str
    threshold: float
    comparison_operator: str
    evaluation_periods: int
    period: int = 60
    datapoints_to_alarm: int | None = None
    treat_missing_data: str = "missing"
    actions: Sequence[str] = field(default_factory=tuple)
    state: str = INSUFFICIENT

    def __post_init__(self) -> None:
        if self.comparison_operator not in OPERATORS:
            raise ValueError(f"alarm {self.name}: unknown comparison_operator {self.comparison_operator!r}")
        if self.treat_missing_data not in MISSING_TREATMENTS:
            raise ValueError(f"alarm {self.name}: treat_missing_data must be one of {', '.join(MISSING_TREATMENTS)}")
        if self.evaluation_periods < 1:
            raise ValueError(f"alarm {self.name}: evaluation_periods must be at least 1")
        if self.period < 60 or self.period % 60:
            raise ValueError(f"alarm {self.name}: period must be a multiple of 60 seconds")
        m = self.m
        if not 1 <= m <= self.evaluation_periods:
            raise ValueError(f"alarm {self.name}: datapoints_to_alarm must be 1..evaluation_periods")

    @property
    def m(self) -> int:
        return self.datapoints_to_alarm if self.datapoints_to_alarm is not None else self.evaluation_periods

    def breaches(self, value: float) -> bool:
        return OPERATORS[self.comparison_operator](value, self.threshold)

    def evaluate(self, datapoints: Sequence[float | None]) -> str:
        """New state from the most recent datapoints, oldest first (None = missing); sets and returns it."""
        window = list(datapoints)[-self.evaluation_periods :]
        window = [None] * (self.evaluation_periods - len(window)) + window
        present = [v for v in window if v is not None]
        missing = len(window) - len(present)
        breaching = sum(1 for v in present if self.breaches(v))
        if self.treat_missing_data == "breaching":
            breaching += missing
        elif not present and self.treat_missing_data == "missing":
            self.state = INSUFFICIENT
            return self.state
        elif not present and self.treat_missing_data == "ignore":
            return self.state
        self.state = ALARM if breaching >= self.m else OK
        return self.state
