"""scale-test's files: samples CSV, PNG and text charts, and a Markdown summary with a Mermaid chart."""

from __future__ import annotations

import csv
from pathlib import Path

from . import pngchart, textchart
from .runner import RunResult


def write(result: RunResult, out_dir: Path, title: str, clock_label: str, notes: list) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "samples.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "seconds",
                "cpu_percent",
                "desired",
                "running",
                "pending",
                "healthy",
                "scale_up_alarm",
                "scale_down_alarm",
                "activities",
            ]
        )
        for s in result.snapshots:
            w.writerow(
                [
                    round(s.t - result.start),
                    "" if s.cpu is None else round(s.cpu, 2),
                    s.desired,
                    s.running,
                    s.pending,
                    "" if s.healthy is None else s.healthy,
                    s.up_state,
                    s.down_state,
                    " | ".join(s.activities),
                ]
            )
    data = result.chart(title)
    text = textchart.render(data) if data.times else "(no samples)\n"
    (out_dir / "chart.txt").write_text(text)
    if data.times:
        pngchart.save(data, out_dir / "chart.png")
    minutes = [f"{(s.t - result.start) / 60:.1f}" for s in result.snapshots]
    cpu = [f"{(s.cpu or 0):.1f}" for s in result.snapshots]
    desired = [str(s.desired) for s in result.snapshots]
    lines = [
        f"# Scale test: {result.plan.mode} mode",
        "",
        f"Outcome: **{'passed' if result.passed else 'FAILED'}** ({clock_label})",
        "",
    ]
    lines += [f"- {v}" for v in result.verdicts]
    lines += ["", "## Stages (time from start)", ""] + [f"- {s}" for s in result.stages or ["(none reached)"]]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    lines += [
        "",
        "## Service CPU % (line) and desired tasks x 10 (bars)",
        "",
        "```mermaid",
        "xychart-beta",
        f'  title "{title}"',
        f'  x-axis "minutes" [{", ".join(minutes)}]',
        '  y-axis "percent" 0 --> 100',
        f"  line [{', '.join(cpu)}]",
        f"  bar [{', '.join(str(int(d) * 10) for d in desired)}]",
        "```",
        "",
        "## Events",
        "",
    ] + [f"- {e}" for e in result.events or ["(none)"]]
    lines += ["", "```", text.rstrip(), "```", ""]
    summary = out_dir / "summary.md"
    summary.write_text("\n".join(lines))
    return summary
