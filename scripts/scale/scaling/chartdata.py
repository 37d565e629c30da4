"""What a chart shows, filled by scale-sim (from the model) and scale-test (from AWS), drawn by textchart/pngchart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple


@dataclass
class ChartData:
    title: str
    up_threshold: float
    down_threshold: float
    max_tasks: int
    times: List[float] = field(default_factory=list)
    cpu: List[Optional[float]] = field(default_factory=list)
    desired: List[int] = field(default_factory=list)
    running: List[int] = field(default_factory=list)
    healthy: List[int] = field(default_factory=list)
    up_alarm: List[bool] = field(default_factory=list)
    down_alarm: List[bool] = field(default_factory=list)
    activities: List[Tuple[float, str]] = field(default_factory=list)

    def add(self, t: float, cpu: Optional[float], desired: int, running: int, healthy: int, up: bool,
            down: bool) -> None:
        self.times.append(t)
        self.cpu.append(cpu)
        self.desired.append(desired)
        self.running.append(running)
        self.healthy.append(healthy)
        self.up_alarm.append(up)
        self.down_alarm.append(down)

    @property
    def task_scale(self) -> int:
        return max([self.max_tasks, *self.desired, *self.running, 1])
