"""The scaling settings a service root really has, read from its files or a plan, never kept as a copy.

- `from_root`: the defaults of the variables the root's *.tf files declare, overridden in Terraform's order by
  terraform/config.tfvars, terraform/service/terraform.tfvars (if present) and any extra -var-file;
- `from_plan`: `terraform show -json <planfile>` of the service root: its variables, and the alarms and
  policies as planned (planwiring.py).
`wiring()` gives the alarms and policies terraform/service/main.tf declares (section "CPU step scaling"): from
a plan, the planned resources themselves; from variables, the model's reading of that section (two steps above
the scale-up threshold split at large_breach, one step below the scale-down threshold).
Tests/scale/test_plan_wiring.py plans the real root and requires both to agree, so the reading cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import hclvalues
from .alarm import MetricAlarm
from .planwiring import wiring_from_plan
from .policy import StepAdjustment, StepPolicy

REPO = Path(__file__).resolve().parents[3]
SERVICE_ROOT = REPO / "terraform" / "service"
SHARED_TFVARS = REPO / "terraform" / "config.tfvars"

NAMES = (
    "min_task_count",
    "max_scaled_task_count",
    "cpu_scale_up_threshold",
    "cpu_scale_down_threshold",
    "scale_up_steps",
    "scale_down_step",
    "cpu_alarm_period_seconds",
    "scale_up_evaluation_periods",
    "scale_down_evaluation_periods",
    "scale_up_cooldown_seconds",
    "scale_down_cooldown_seconds",
    "target_health_check",
    "deregistration_delay_seconds",
    "project_name",
)


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any]
    source: str
    plan: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @classmethod
    def from_root(
        cls, root: Path = SERVICE_ROOT, var_files: Iterable[Path] = (), overrides: dict[str, Any] | None = None
    ) -> Settings:
        variables = root / "variables.tf"
        if not variables.is_file():
            raise ValueError(f"{variables} not found: point --root at a Terraform service root")
        defaults = hclvalues.root_variable_defaults(root)
        values = {k: v for k, (has, v) in defaults.items() if has}
        files = [SHARED_TFVARS, root / "terraform.tfvars", *[Path(f) for f in var_files]]
        used = []
        for f in files:
            if f.is_file():
                for name, value in hclvalues.tfvars(f).items():
                    values[name] = _merge(values.get(name), value)
                used.append(str(f))
            elif f not in (SHARED_TFVARS, root / "terraform.tfvars"):
                raise ValueError(f"var file {f} not found")
        for name, value in (overrides or {}).items():
            if name not in defaults:
                raise ValueError(f"unknown variable {name!r} (not declared in {root})")
            values[name] = _merge(values.get(name), value)
        return cls(_pick(values, str(root)), " + ".join([f"{root}/*.tf", *used]))

    @classmethod
    def from_plan(cls, plan_json: Path) -> Settings:
        try:
            plan = json.loads(Path(plan_json).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(f"cannot read plan JSON {plan_json}: {e}") from None
        if not isinstance(plan, dict):
            raise ValueError(f"{plan_json} is not a plan JSON object")  # noqa: TRY004 - CLIs show ValueError
        variables = {k: v.get("value") for k, v in (plan.get("variables") or {}).items()}
        return cls(_pick(variables, str(plan_json)), f"plan {plan_json}", plan)

    def wiring(self) -> tuple[MetricAlarm, MetricAlarm, StepPolicy, StepPolicy]:
        """(scale-up alarm, scale-down alarm, scale-up policy, scale-down policy) as main.tf declares them: from
        the planned resources when read from a plan, else from the variables."""
        if self.plan is not None:
            return wiring_from_plan(self.plan)
        name = self["project_name"]
        steps = self["scale_up_steps"]
        up_policy = StepPolicy(
            f"{name}-cpu-scale-up",
            [
                StepAdjustment(int(steps["small"]), 0, steps["large_breach"]),
                StepAdjustment(int(steps["large"]), steps["large_breach"], None),
            ],
            int(self["scale_up_cooldown_seconds"]),
        )
        down_policy = StepPolicy(
            f"{name}-cpu-scale-down",
            [
                StepAdjustment(-int(self["scale_down_step"]), None, 0),
            ],
            int(self["scale_down_cooldown_seconds"]),
        )
        period = int(self["cpu_alarm_period_seconds"])
        up = MetricAlarm(
            f"{name}-cpu-scale-up",
            float(self["cpu_scale_up_threshold"]),
            "GreaterThanOrEqualToThreshold",
            int(self["scale_up_evaluation_periods"]),
            period,
            actions=(up_policy.name,),
        )
        down = MetricAlarm(
            f"{name}-cpu-scale-down",
            float(self["cpu_scale_down_threshold"]),
            "LessThanOrEqualToThreshold",
            int(self["scale_down_evaluation_periods"]),
            period,
            actions=(down_policy.name,),
        )
        return up, down, up_policy, down_policy


def _merge(old: Any, new: Any) -> Any:
    # An object tfvars value keeps the optional() defaults of attributes it leaves out, as Terraform does.
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **new}
    return new


def _pick(values: dict[str, Any], where: str) -> dict[str, Any]:
    missing = [n for n in NAMES if n not in values]
    if missing:
        raise ValueError(f"{where} lacks {', '.join(missing)}: is it the service root?")
    out = {n: values[n] for n in NAMES}
    for n in NAMES:
        if n in ("scale_up_steps", "target_health_check"):
            if not isinstance(out[n], dict):
                raise ValueError(f"{n} must be an object, got {out[n]!r}")
        elif not n.endswith("name") and not isinstance(out[n], (int, float)):
            raise ValueError(f"{n} must be a number, got {out[n]!r}")
    # Relations between values (thresholds ordered, min <= max) are variables.tf's validations, not repeated here.
    return out
