"""Demand profiles: `0:0.3,2m:3.5,12m:0.3` = 0.3 task-equivalents of CPU from 0, 3.5 from 2 minutes, 0.3 from
12 minutes on. Times take s (default), m or h; each point holds until the next."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_TIME = re.compile(r"^(\d+(?:\.\d+)?)([smh]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}


def parse_duration(text: str) -> float:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"bad time {text!r}: use a number with s, m or h (e.g. 90s, 2m, 1.5h)")
    return float(match.group(1)) * _UNIT[match.group(2)]


@dataclass(frozen=True)
class Demand:
    points: tuple[tuple[float, float], ...]

    @classmethod
    def parse(cls, text: str) -> Demand:
        points: list[tuple[float, float]] = []
        for part in [p for p in text.split(",") if p.strip()]:
            if ":" not in part:
                raise ValueError(f"bad demand point {part!r}: expected TIME:TASKS, e.g. 2m:3.5")
            when, value = part.split(":", 1)
            try:
                tasks = float(value)
            except ValueError:
                raise ValueError(f"bad demand {value!r} in {part!r}: expected a number of task-equivalents") from None
            if not 0 <= tasks <= 1000:
                raise ValueError(f"demand {tasks:g} out of range 0-1000 task-equivalents")
            points.append((parse_duration(when), tasks))
        if not points:
            raise ValueError("empty demand profile: expected e.g. 0:0.3,2m:3.5,12m:0.3")
        times = [t for t, _ in points]
        if times != sorted(times) or len(set(times)) != len(times):
            raise ValueError("demand times must increase")
        if times[0] != 0:
            points.insert(0, (0.0, 0.0))
        return cls(tuple(points))

    def at(self, t: float) -> float:
        i = bisect.bisect_right([p[0] for p in self.points], t) - 1
        return self.points[max(i, 0)][1]

    @property
    def last_change(self) -> float:
        return self.points[-1][0]
