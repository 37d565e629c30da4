"""A chart for a terminal: service CPU with both thresholds, task counts, alarm states, scaling activities."""

from __future__ import annotations

from .chartdata import ChartData


def _columns(data: ChartData, width: int) -> list[int]:
    """Index of the sample shown in each column (the last one at or before the column's time)."""
    start, end = data.times[0], data.times[-1]
    out, j = [], 0
    for col in range(width):
        t = start + (end - start) * col / max(width - 1, 1)
        while j + 1 < len(data.times) and data.times[j + 1] <= t:
            j += 1
        out.append(j)
    return out


def render(data: ChartData, width: int = 72, cpu_rows: int = 10) -> str:
    if not data.times:
        return "(no samples)\n"
    cols = _columns(data, width)
    lines = [data.title, "CPU %"]
    for row in range(cpu_rows, -1, -1):
        lo, hi = 100 * (row - 0.5) / cpu_rows, 100 * (row + 0.5) / cpu_rows
        cells = []
        for i in cols:
            v = data.cpu[i]
            if v is not None and lo <= v < hi or (row == cpu_rows and v is not None and v >= hi):
                cells.append("*")
            elif lo <= data.up_threshold < hi:
                cells.append("^")
            elif lo <= data.down_threshold < hi:
                cells.append("v")
            else:
                cells.append(" ")
        lines.append(f"{100 * row // cpu_rows:>4} |{''.join(cells)}")
    lines.append("tasks")
    for level in range(data.task_scale, 0, -1):
        cells = []
        for i in cols:
            d, r, h = data.desired[i] >= level, data.running[i] >= level, data.healthy[i] >= level
            cells.append("#" if h else "r" if r else "d" if d else " ")
        lines.append(f"{level:>4} |{''.join(cells)}")
    lines.append(" up  |" + "".join("U" if data.up_alarm[i] else "." for i in cols))
    lines.append(" down|" + "".join("D" if data.down_alarm[i] else "." for i in cols))
    marks = [" "] * width
    span = max(data.times[-1] - data.times[0], 1)
    for t, _ in data.activities:
        marks[min(width - 1, int((t - data.times[0]) / span * (width - 1)))] = "|"
    lines.append(" act |" + "".join(marks))
    minutes = int(span // 60)
    axis = [" "] * width
    step = max(1, minutes // 6)
    for m in range(0, minutes + 1, step):
        label = f"{m}m"
        col = int(m * 60 / span * (width - 1))
        for k, ch in enumerate(label):
            if col + k < width:
                axis[col + k] = ch
    lines.append("     +" + "".join(axis))
    lines.append(
        f"* CPU  ^ scale-up {data.up_threshold:g}%  v scale-down {data.down_threshold:g}%  "
        "# healthy  r running  d desired only  U/D alarm in ALARM  | scaling activity"
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"
