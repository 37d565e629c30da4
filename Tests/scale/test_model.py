"""The scaling model against AWS's documented rules, each test citing the page whose example it uses."""

import math

import pytest
from scaling.alarm import ALARM, INSUFFICIENT, OK, MetricAlarm
from scaling.demand import Demand
from scaling.policy import ScalableTarget, StepAdjustment, StepPolicy
from scaling.service import EcsService


# API reference "StepAdjustment": with a breach threshold of 50, lower 0 / upper 10 means 50 <= metric < 60,
# lower -10 / upper 0 means 40 < metric <= 50.
@pytest.mark.parametrize("metric,matches", [(50, True), (59.99, True), (60, False), (49.99, False)])
def test_step_above_threshold_lower_inclusive_upper_exclusive(metric, matches):
    assert StepAdjustment(1, 0, 10).matches(metric - 50) is matches


@pytest.mark.parametrize("metric,matches", [(50, True), (49.99, True), (40.01, True), (40, False), (50.01, False)])
def test_step_below_threshold_lower_exclusive_upper_inclusive(metric, matches):
    assert StepAdjustment(-1, -10, 0).matches(metric - 50) is matches


def test_policy_picks_the_step_for_the_breach_size_and_open_bounds_are_infinite():
    policy = StepPolicy("up", [StepAdjustment(1, 0, 20), StepAdjustment(2, 20, None)], 60)
    assert policy.adjustment(70, 70) == 1
    assert policy.adjustment(89.9, 70) == 1
    assert policy.adjustment(90, 70) == 2
    assert policy.adjustment(1e9, 70) == 2
    assert policy.adjustment(69.9, 70) is None


# "Step scaling policies for Application Auto Scaling", ChangeInCapacity: capacity 3, adjustment 5 -> 8; a
# scaling adjustment can't take the capacity above the maximum or below the minimum.
def test_change_in_capacity_adds_and_is_clamped_to_min_max():
    policy = StepPolicy("up", [StepAdjustment(5, 0, None)], 0)
    target = ScalableTarget(3, 1, 10)
    assert target.execute(policy, 80, 70, now=0).new == 8
    assert target.execute(policy, 80, 70, now=1).new == 10
    assert target.execute(policy, 80, 70, now=2) is None
    down = StepPolicy("down", [StepAdjustment(-20, None, 0)], 0)
    assert target.execute(down, 10, 20, now=3).new == 1


# "StepScalingPolicyConfiguration" Cooldown: +2 starts a cooldown; the same alarm asking +3 during it adds
# only 1 (the 2 already added count); after the cooldown a new scale-out adds in full.
def test_scale_out_cooldown_counts_capacity_already_added():
    policy = StepPolicy("up", [StepAdjustment(2, 0, 10), StepAdjustment(3, 10, None)], 300)
    target = ScalableTarget(4, 1, 100)
    assert (target.execute(policy, 55, 50, now=0).new) == 6
    assert target.execute(policy, 55, 50, now=60) is None  # +2 again: nothing beyond the 2 added
    assert target.execute(policy, 65, 50, now=120).new == 7  # +3: only 1 more
    assert target.execute(policy, 65, 50, now=300).new == 10  # cooldown over: +3 in full


# Same page: scale-in cooldown blocks scale-in until it expires; a scale-out during it happens at once.
def test_scale_in_cooldown_blocks_scale_in_but_not_scale_out():
    up = StepPolicy("up", [StepAdjustment(1, 0, None)], 60)
    down = StepPolicy("down", [StepAdjustment(-1, None, 0)], 120)
    target = ScalableTarget(4, 1, 10)
    assert target.execute(down, 10, 20, now=0).new == 3
    assert target.execute(down, 10, 20, now=119) is None
    assert target.execute(up, 80, 70, now=60).new == 4
    assert target.execute(down, 10, 20, now=61).new == 3  # the scale-out ended the scale-in cooldown


def test_scale_in_is_suspended_during_a_deployment():
    down = StepPolicy("down", [StepAdjustment(-1, None, 0)], 0)
    target = ScalableTarget(4, 1, 10)
    assert target.execute(down, 10, 20, now=0, deployment_in_progress=True) is None
    assert target.execute(down, 10, 20, now=0).new == 3


# "Using Amazon CloudWatch alarms": M out of N datapoints breaching -> ALARM; treat_missing_data.
def test_alarm_m_out_of_n():
    alarm = MetricAlarm("a", 70, "GreaterThanOrEqualToThreshold", 3, datapoints_to_alarm=2)
    assert alarm.state == INSUFFICIENT
    assert alarm.evaluate([80, 10, 10]) == OK
    assert alarm.evaluate([80, 10, 70]) == ALARM
    assert alarm.evaluate([10, 70, 69.9]) == OK


def test_alarm_missing_data_treatments():
    assert MetricAlarm("a", 20, "LessThanOrEqualToThreshold", 3).evaluate([None, None, None]) == INSUFFICIENT
    assert (
        MetricAlarm("a", 20, "LessThanOrEqualToThreshold", 3, treat_missing_data="breaching").evaluate([None, None, 10])
        == ALARM
    )
    assert (
        MetricAlarm("a", 20, "LessThanOrEqualToThreshold", 3, treat_missing_data="notBreaching").evaluate(
            [None, None, 10]
        )
        == OK
    )
    kept = MetricAlarm("a", 20, "LessThanOrEqualToThreshold", 1, treat_missing_data="ignore", state=ALARM)
    assert kept.evaluate([None]) == ALARM


def test_alarm_bad_settings_are_refused_clearly():
    with pytest.raises(ValueError, match="period"):
        MetricAlarm("a", 1, "GreaterThanThreshold", 1, period=30)
    with pytest.raises(ValueError, match="datapoints_to_alarm"):
        MetricAlarm("a", 1, "GreaterThanThreshold", 2, datapoints_to_alarm=3)


# "Amazon ECS CloudWatch metrics": service CPUUtilization = CPU used / CPU reserved by its running tasks.
def test_service_cpu_is_used_over_reserved_with_start_health_and_drain():
    service = EcsService.with_running(1, start_seconds=60, health_seconds=30, drain_seconds=30)
    assert service.cpu_percent(0.3, 0) == pytest.approx(30)
    assert service.cpu_percent(3.5, 0) == pytest.approx(100)
    service.reconcile(3, 100)
    assert service.counts(159) == {"pending": 2, "running": 1, "healthy": 1}
    assert service.cpu_percent(3.5, 160) == pytest.approx(100 / 3)  # reserved, not yet serving
    assert service.cpu_percent(3.5, 190) == pytest.approx(100)
    service.reconcile(1, 200)
    assert service.counts(229) == {"pending": 0, "running": 3, "healthy": 1}
    assert service.cpu_percent(0.3, 229) == pytest.approx(10)
    assert service.counts(230)["running"] == 1


def test_demand_profile_parsing():
    d = Demand.parse("0:0.3,2m:3.5,12m:0.3")
    assert (d.at(0), d.at(119), d.at(120), d.at(719), d.at(720), d.at(1e6)) == (0.3, 0.3, 3.5, 3.5, 0.3, 0.3)
    assert Demand.parse("30s:1").at(0) == 0
    for bad in ("", "2m", "x:1", "2m:abc", "2m:1,1m:2", "0:-1"):
        with pytest.raises(ValueError):
            Demand.parse(bad)
    assert math.isclose(Demand.parse("1.5h:2").points[-1][0], 5400)
