"""The alarms and step policies as a service-root plan really declares them (`terraform show -json`): alarm
thresholds, operators, periods and actions, policies' steps and cooldowns, read from the planned resources
and, for which policy an alarm fires, from the configuration's references (ARNs are unknown at plan time)."""

from __future__ import annotations

from typing import Any

from .alarm import MetricAlarm
from .policy import StepAdjustment, StepPolicy


def _bound(value: Any) -> float | None:
    # The AWS provider keeps step bounds as strings ("" = no bound).
    if value is None or value == "":
        return None
    return float(value)


def wiring_from_plan(plan: dict[str, Any]) -> tuple[MetricAlarm, MetricAlarm, StepPolicy, StepPolicy]:
    try:
        planned = {r["address"]: r for r in plan["planned_values"]["root_module"].get("resources", [])}
        configured = {r["address"]: r for r in plan["configuration"]["root_module"].get("resources", [])}
    except (KeyError, TypeError):
        raise ValueError(
            "not a plan JSON (terraform show -json <planfile>): planned_values/configuration missing"
        ) from None
    policies = {addr: r for addr, r in planned.items() if r["type"] == "aws_appautoscaling_policy"}
    cpu_alarms: list[MetricAlarm] = []
    for addr, r in planned.items():
        v = r["values"]
        if (
            r["type"] != "aws_cloudwatch_metric_alarm"
            or v.get("namespace") != "AWS/ECS"
            or v.get("metric_name") != "CPUUtilization"
        ):
            continue
        refs = configured.get(addr, {}).get("expressions", {}).get("alarm_actions", {}).get("references", [])
        actions = tuple(policies[ref]["values"]["name"] for ref in refs if ref in policies)
        cpu_alarms.append(
            MetricAlarm(
                v["alarm_name"],
                float(v["threshold"]),
                v["comparison_operator"],
                int(v["evaluation_periods"]),
                int(v["period"]),
                v.get("datapoints_to_alarm"),
                v.get("treat_missing_data") or "missing",
                actions,
            )
        )
    ups = [a for a in cpu_alarms if a.comparison_operator.startswith("Greater")]
    downs = [a for a in cpu_alarms if a.comparison_operator.startswith("Less")]
    if len(ups) != 1 or len(downs) != 1:
        raise ValueError(
            f"expected one scale-up and one scale-down AWS/ECS CPUUtilization alarm in the plan, "
            f"found {len(ups)} and {len(downs)}"
        )
    by_name = {}
    for r in policies.values():
        cfg = (r["values"].get("step_scaling_policy_configuration") or [{}])[0]
        steps = sorted(
            (
                StepAdjustment(
                    int(s["scaling_adjustment"]),
                    _bound(s.get("metric_interval_lower_bound")),
                    _bound(s.get("metric_interval_upper_bound")),
                )
                for s in cfg.get("step_adjustment", [])
            ),
            key=lambda s: float("-inf") if s.lower is None else s.lower,
        )
        by_name[r["values"]["name"]] = StepPolicy(
            r["values"]["name"], steps, int(cfg.get("cooldown") or 0), cfg.get("adjustment_type", "ChangeInCapacity")
        )

    def policy_of(alarm: MetricAlarm) -> StepPolicy:
        found = [by_name[a] for a in alarm.actions if a in by_name]
        if not found:
            # An alarm without a policy action scales nothing; a policy the model never runs keeps that visible.
            return StepPolicy(f"(no policy on {alarm.name})", [StepAdjustment(0, None, None)], 0)
        return found[0]

    return ups[0], downs[0], policy_of(ups[0]), policy_of(downs[0])
