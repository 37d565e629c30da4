"""scale-test: load or drill a deployed stack and watch it scale (alarms, CPU, tasks, activities, health)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from . import outputs
from .load import LoadDriver, http_get
from .runner import Plan, RealClock, run
from .settings import SERVICE_ROOT, Settings
from .stack import Names, Stack

EPILOG = """examples:
  API_URL=$(terraform -chdir=terraform/network output -raw invoke_url)
  scale-test load --api-url "$API_URL" --demand 3.5 --minutes 10 --expect-max 4 --expect-back-to-min
  scale-test drill
Exit codes: 0 expectations met, 1 not met by the deadline, 2 bad input or the stack cannot be read."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="scale-test", description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("mode", choices=["load", "drill"])
    p.add_argument("--api-url", default=os.environ.get("API_URL"), help="invoke URL (load mode; env API_URL)")
    p.add_argument("--demand", type=float, default=3.5, help="load: task-equivalents of CPU (default 3.5)")
    p.add_argument("--minutes", type=float, default=10, help="load: how long to keep the load (default 10)")
    p.add_argument("--deadline-minutes", type=float, help="give up after this (default: load minutes + 20, drill 6)")
    p.add_argument("--poll-seconds", type=float, default=15)
    p.add_argument("--expect-max", type=int, help="load: fail unless desired count reaches N")
    p.add_argument("--expect-back-to-min", action="store_true", help="load: fail unless back to min after the load")
    p.add_argument("--out", type=Path, default=Path("scale-test-out"), help="directory for CSV, charts, summary")
    p.add_argument("--root", type=Path, default=SERVICE_ROOT, help="service root whose settings name the stack")
    p.add_argument("--var-file", type=Path, action="append", default=[])
    p.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    return p.parse_args(argv)


def _clients(region: str) -> dict[str, Any]:
    import boto3

    return {s: boto3.client(s, region_name=region) for s in ("cloudwatch", "ecs", "application-autoscaling", "elbv2")}


def main(argv: list[str] | None = None, clients: dict[str, Any] | None = None, clock: Any = None) -> int:
    args = parse_args(argv)
    clock = clock or RealClock()
    try:
        settings = Settings.from_root(args.root, args.var_file)
        if args.mode == "load" and not args.api_url:
            raise ValueError(
                "load mode needs --api-url (or API_URL): terraform -chdir=terraform/network output -raw invoke_url"
            )
        if args.mode == "load" and not 0 < args.demand <= 100:
            raise ValueError("--demand must be above 0 and at most 100 task-equivalents")
        if not 5 <= args.poll_seconds <= 300:
            raise ValueError("--poll-seconds must be 5-300")
        region = args.region or "eu-west-2"
        clients = clients or _clients(region)
        names = Names.from_settings(settings)
        deadline = (
            args.deadline_minutes
            if args.deadline_minutes is not None
            else (args.minutes + 20 if args.mode == "load" else 6)
        )
        plan = Plan(
            args.mode,
            args.demand,
            args.minutes * 60,
            deadline * 60,
            args.poll_seconds,
            args.expect_max,
            args.expect_back_to_min,
            int(settings["min_task_count"]),
            int(settings["scale_up_steps"]["small"]),
            float(settings["cpu_scale_up_threshold"]),
            float(settings["cpu_scale_down_threshold"]),
            int(settings["max_scaled_task_count"]),
        )
        stack = Stack(clients, names)
        _find_target_groups(stack)
        load = LoadDriver(args.api_url, http_get) if args.mode == "load" else None
        result = run(plan, stack, clock, load)
    except (ValueError, LookupError) as e:
        print(f"scale-test: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # botocore errors: credentials, region, permissions
        if type(e).__module__.startswith("botocore"):
            print(f"scale-test: error: AWS: {e}", file=sys.stderr)
            return 2
        raise
    title = f"scale-test {args.mode}" + (f" demand {args.demand:g}" if args.mode == "load" else "")
    summary = outputs.write(result, args.out, title, clock.label, stack.notes)
    for line in result.stages + result.verdicts + stack.notes:
        print(line)
    print(f"summary: {summary}")
    return 0 if result.passed else 1


def _find_target_groups(stack: Stack) -> None:
    """The target groups the service registers its tasks in, as ECS reports them (no names copied here)."""
    services = stack.c["ecs"].describe_services(cluster=stack.names.cluster, services=[stack.names.service])["services"]
    # Under the CODE_DEPLOY controller the task sets carry the group each one serves (blue or green).
    holders = [h for s in services for h in [s, *s.get("taskSets", [])]]
    groups = sorted(
        {lb["targetGroupArn"] for h in holders for lb in h.get("loadBalancers", []) if lb.get("targetGroupArn")}
    )
    stack.names.target_groups = groups
    if not groups:
        stack.note("the service reports no target group: healthy = running count")
