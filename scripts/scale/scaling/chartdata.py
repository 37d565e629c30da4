"""What a chart shows, filled by scale-sim (from the model) and scale-test (from AWS), drawn by textchart/pngchart."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChartData:
    title: str
    up_threshold: float
    down_threshold: float
    max_tasks: int
    times: list[float] = field(default_factory=list)
    cpu: list[float | None] = field(default_factory=list)
    desired: list[int] = field(default_factory=list)
    running: list[int] = field(default_factory=list)
    healthy: list[int] = field(default_factory=list)
    up_alarm: list[bool] = field(default_factory=list)
    down_alarm: list[bool] = field(default_factory=list)
    activities: list[tuple[float, str]] = field(default_factory=list)

    def add(self, t: float, cpu: float | None, desired: int, running: int, healthy: int, up: bool, down: bool) -> None:
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
