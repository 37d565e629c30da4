"""scale-sim: what the service's CPU scaling would do for a demand profile, with the settings the service root
really has. No AWS needed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import pngchart, report, textchart
from .demand import Demand, parse_duration
from .hclvalues import _Parser
from .settings import SERVICE_ROOT, Settings
from .simulation import simulate

EPILOG = """examples:
  scale-sim --demand 0:0.3,2m:3.5,12m:0.3
  scale-sim --demand 0:1.5 --set cpu_scale_down_threshold=50 --minutes 40
  scale-sim --plan-json plan.json --demand 0:5 --png /tmp/scale.png
Demand is in task-equivalents of CPU (1 = one task's whole CPU); TIME:TASKS points hold until the next."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="scale-sim", description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--demand", default="0:0.3,2m:3.5,12m:0.3", help="demand profile (default: %(default)s)")
    p.add_argument("--minutes", type=float, help="how long to simulate (default: last demand change + 15)")
    p.add_argument("--root", type=Path, default=SERVICE_ROOT, help="service root (default: terraform/service)")
    p.add_argument("--var-file", type=Path, action="append", default=[], help="extra .tfvars, applied last")
    p.add_argument("--plan-json", type=Path, help="read the settings from `terraform show -json` of a service plan")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one variable, HCL literal (e.g. max_scaled_task_count=6)",
    )
    p.add_argument("--task-start", default="60s", help="PENDING -> RUNNING time of a new task (default: 60s)")
    p.add_argument("--metric-delay", default="60s", help="delay before a datapoint is seen (default: 60s)")
    p.add_argument(
        "--deployment",
        action="append",
        default=[],
        metavar="FROM-TO",
        help="a deployment in progress (scale-in suspended), e.g. 5m-9m",
    )
    p.add_argument("--png", type=Path, help="write the chart as PNG")
    p.add_argument("--no-timeline", action="store_true", help="print only the chart and the verdict")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        overrides = {}
        for item in args.set:
            name, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"--set {item!r}: expected NAME=VALUE")
            overrides[name.strip()] = _Parser(value, f"--set {name}").value()
        if args.plan_json:
            if overrides or args.var_file:
                raise ValueError("--plan-json already holds every value: drop --set/--var-file")
            settings = Settings.from_plan(args.plan_json)
        else:
            settings = Settings.from_root(args.root, args.var_file, overrides)
        demand = Demand.parse(args.demand)
        minutes = args.minutes if args.minutes is not None else demand.last_change / 60 + 15
        if not 1 <= minutes <= 24 * 60:
            raise ValueError("--minutes must be 1 to 1440")
        deployments = []
        for d in args.deployment:
            a, sep, b = d.partition("-")
            if not sep:
                raise ValueError(f"--deployment {d!r}: expected FROM-TO, e.g. 5m-9m")
            deployments.append((parse_duration(a), parse_duration(b)))
        result = simulate(
            settings,
            demand,
            minutes * 60,
            parse_duration(args.task_start),
            int(parse_duration(args.metric_delay)),
            deployments,
        )
    except ValueError as e:
        print(f"scale-sim: error: {e}", file=sys.stderr)
        return 2
    out = sys.stdout
    out.write(f"scale-sim: settings from {settings.source}\n")
    out.write(
        f"scale-sim: demand {args.demand} (task-equivalents), {minutes:g} simulated minutes, "
        "simulated time: no AWS involved\n\n"
    )
    if not args.no_timeline:
        out.write(report.timeline(result) + "\n")
    title = f"scale-sim: demand {args.demand}"
    data = report.chart_data(result, title)
    out.write(textchart.render(data) + "\n")
    out.write("\n".join(report.summary(result)) + "\n")
    if args.png:
        pngchart.save(data, args.png)
        out.write(f"chart: {args.png}\n")
    return 0
