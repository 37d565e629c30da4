"""The PNG chart: CPU % with both thresholds (top), desired/running/healthy tasks (middle), alarm states and
scaling activities (bottom strip), minutes on the x axis."""

from __future__ import annotations

from pathlib import Path

from .chartdata import ChartData
from .png import Canvas

RED, BLUE, GREEN, GREY, ORANGE, BLACK, LIGHT = (
    (200, 30, 30),
    (30, 80, 200),
    (20, 150, 60),
    (150, 150, 150),
    (230, 140, 0),
    (0, 0, 0),
    (235, 235, 235),
)


def draw(data: ChartData, width: int = 900, height: int = 520) -> Canvas:
    c = Canvas(width, height)
    left, right = 60, width - 20
    cpu_top, cpu_bottom = 44, 220
    task_top, task_bottom = 250, 400
    strip = 420
    c.text(left, 6, data.title[:100], BLACK)
    start, end = data.times[0], data.times[-1]
    span = max(end - start, 1)

    def x(t: float) -> int:
        return left + round((t - start) / span * (right - left))

    for top, bottom in ((cpu_top, cpu_bottom), (task_top, task_bottom)):
        c.rect(left, top, right, bottom, LIGHT)

    # CPU panel
    def cy(v: float) -> int:
        return cpu_bottom - round(min(max(v, 0), 100) / 100 * (cpu_bottom - cpu_top))

    for v in (0, 50, 100):
        c.text(8, cy(v) - 5, f"{v}%", GREY)
    c.dashed(left, cy(data.up_threshold), right, RED)
    c.text(right - 150, cy(data.up_threshold) - 14, f"UP {data.up_threshold:g}%", RED)
    c.dashed(left, cy(data.down_threshold), right, BLUE)
    c.text(right - 150, cy(data.down_threshold) + 4, f"DOWN {data.down_threshold:g}%", BLUE)
    prev = None
    for t, v in zip(data.times, data.cpu, strict=True):
        if v is not None and prev is not None:
            c.line(x(prev[0]), cy(prev[1]), x(t), cy(v), BLACK, 2)
        prev = (t, v) if v is not None else None
    c.text(left + 160, cpu_top - 13, "SERVICE CPU %", BLACK)
    # Tasks panel
    scale = data.task_scale

    def ty(n: float) -> int:
        return task_bottom - round(n / scale * (task_bottom - task_top - 10))

    for n in range(0, scale + 1, max(1, scale // 5)):
        c.text(20, ty(n) - 5, str(n), GREY)
    for series, color, thick in ((data.desired, ORANGE, 3), (data.running, GREY, 2), (data.healthy, GREEN, 2)):
        for i in range(1, len(data.times)):
            x0, x1 = x(data.times[i - 1]), x(data.times[i])
            c.line(x0, ty(series[i - 1]), x1, ty(series[i - 1]), color, thick)
            c.line(x1, ty(series[i - 1]), x1, ty(series[i]), color, thick)
    c.text(left + 4, task_top - 14, "TASKS: DESIRED", ORANGE)
    c.text(left + 124, task_top - 14, "RUNNING", GREY)
    c.text(left + 188, task_top - 14, "HEALTHY", GREEN)
    # Alarm strip and activities
    for i in range(1, len(data.times)):
        x0, x1 = x(data.times[i - 1]), x(data.times[i])
        if data.up_alarm[i - 1]:
            c.rect(x0, strip, x1, strip + 10, RED)
        if data.down_alarm[i - 1]:
            c.rect(x0, strip + 14, x1, strip + 24, BLUE)
    c.text(4, strip, "UP", RED)
    c.text(4, strip + 14, "DOWN", BLUE)
    for t, _ in data.activities:
        c.line(x(t), cpu_top, x(t), strip + 24, (120, 0, 160))
    minutes = int(span // 60)
    step = max(1, minutes // 10)
    for m in range(0, minutes + 1, step):
        c.line(x(start + m * 60), strip + 28, x(start + m * 60), strip + 32, BLACK)
        c.text(x(start + m * 60) - 4, strip + 36, f"{m}", BLACK)
    c.text(left, strip + 56, "MINUTES. ALARM IN ALARM: FILLED. PURPLE: SCALING ACTIVITY", BLACK)
    return c


def save(data: ChartData, path: Path) -> None:
    draw(data).save(path)
