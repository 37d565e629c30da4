"""scale-sim's loop with the service root's real defaults, checked against a calculation done by hand."""

import json

import pytest
from scaling.demand import Demand
from scaling.settings import Settings
from scaling.simulation import simulate


def test_defaults_and_demand_3_5_scale_out_to_4_and_back_to_1_as_calculated_by_hand():
    """Hand calculation, defaults of terraform/service/variables.tf: thresholds 70/20, steps +1 (breach < 20) or
    +2, -1, period 60 s, 1 and 3 evaluation periods, cooldowns 60/120 s, min 1, max 4, health check 2 x 15 s,
    deregistration delay 30 s; model timings: datapoints usable 60 s after their period ends, alarms
    evaluated every minute, a task runs 60 s after it is started.

    Demand 0.3 until 2m, 3.5 until 12m, then 0.3.
    - 2m-3m: 1 task at 100 %. At 4m the alarm sees that minute: ALARM, breach 30 >= 20 -> +2: 1 -> 3.
    - At 5m it sees 3m-4m (still 1 task, 100 %): cooldown (60 s) is over -> +2, clamped to max: 3 -> 4.
    - The new tasks run at 5m and 6m and serve 30 s later: 4 healthy at 6m30s. 3.5 / 4 = 87.5 % >= 70 keeps
      the scale-up alarm in ALARM at the maximum: "hits max".
    - From 12m: 0.3 / 4 = 7.5 % <= 20. The scale-down alarm needs 3 datapoints (12m-15m), seen at 16m:
      -1 -> 3. Its 120 s cooldown allows the next steps at 18m (3 -> 2) and 20m (2 -> 1).
    - The last task drains for 30 s: 1 running at 20m30s.
    """
    result = simulate(Settings.from_root(), Demand.parse("0:0.3,2m:3.5,12m:0.3"), 25 * 60)
    assert [(a.time, a.old, a.new) for a in result.activities] == [
        (240, 1, 3),
        (300, 3, 4),
        (960, 4, 3),
        (1080, 3, 2),
        (1200, 2, 1),
    ]
    assert result.verdict == "hits max"
    (out,) = result.scale_outs
    assert (out.start, out.end, out.target) == (120, 390, 4)
    (back,) = result.scale_ins
    assert (back.start, back.end, back.target) == (720, 1230, 1)
    assert result.samples[-1].running == 1 and result.samples[-1].up_state == "OK"


def test_close_thresholds_oscillate():
    """Up 70 / down 50 and demand 1.5: 2 tasks are at 75 % (add one), 3 tasks at 50 % (remove one), and again."""
    settings = Settings.from_root(
        overrides={
            "cpu_scale_down_threshold": 50,
            "scale_down_evaluation_periods": 1,
            "scale_down_cooldown_seconds": 60,
        }
    )
    result = simulate(settings, Demand.parse("0:1.5"), 40 * 60)
    assert result.verdict == "oscillates"
    assert len(result.activities) >= 4


def test_enough_tasks_converge():
    result = simulate(Settings.from_root(overrides={"max_scaled_task_count": 6}), Demand.parse("0:0.3,1m:3.5"), 30 * 60)
    assert result.verdict == "converges"
    # 3.5 / 5 = 70 % still breaches (>= 70), so a sixth task comes; 3.5 / 6 = 58 % sits between the thresholds.
    assert result.samples[-1].desired == 6


def test_scale_in_waits_for_a_deployment_to_end():
    kwargs = {"settings": Settings.from_root(), "demand": Demand.parse("0:0.3,2m:3.5,12m:0.3"), "duration": 40 * 60}
    plain = simulate(**kwargs)
    held = simulate(**kwargs, deployments=[(12 * 60, 25 * 60)])
    first_in = next(a.time for a in held.activities if a.new < a.old)
    assert first_in >= 25 * 60 > next(a.time for a in plain.activities if a.new < a.old)


def test_settings_come_from_the_root_and_tfvars(tmp_path):
    extra = tmp_path / "x.tfvars"
    extra.write_text("max_scaled_task_count = 7  # comment\nscale_up_steps = { large = 3 }\n")
    settings = Settings.from_root(var_files=[extra])
    assert settings["max_scaled_task_count"] == 7
    assert settings["scale_up_steps"] == {"small": 1, "large": 3, "large_breach": 20}


def test_settings_from_plan_json(tmp_path):
    base = Settings.from_root()
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps({"variables": {k: {"value": v} for k, v in {**base.values, "min_task_count": 2}.items()}})
    )
    assert Settings.from_plan(plan)["min_task_count"] == 2


@pytest.mark.parametrize(
    "text,error",
    [
        ("max_scaled_task_count = var.x\n", "not a literal"),
        ('max_scaled_task_count = "four"\n', "must be a number"),
        ("nonsense\n", "expected name = value"),
    ],
)
def test_bad_tfvars_give_clear_errors(tmp_path, text, error):
    f = tmp_path / "bad.tfvars"
    f.write_text(text)
    with pytest.raises(ValueError, match=error):
        Settings.from_root(var_files=[f])
