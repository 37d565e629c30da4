"""Offline rehearsal: the real scale-test code (load and drill mode, boto3, HTTP) against moto in-process,
with rehearsal.World (a TEST DOUBLE, see its docstring) standing in for the API, the tasks, CloudWatch's alarm
evaluation and Application Auto Scaling's policy execution, in simulated time. A broken wiring must fail."""

from __future__ import annotations

import boto3
import fakehttp
import pytest
from moto.ecs.models import ecs_backends
from rehearsal import World, serve_api
from scaling.settings import Settings
from scaling.stack import Names
from scaling.test_cli import main as scale_test

ACCOUNT = "123456789012"
SERVICES = ("cloudwatch", "ecs", "application-autoscaling", "elbv2")


def deploy(endpoint: str, region: str, settings: Settings, broken: str = ""):
    """Creates the cluster, service, scalable target, policies and alarms the way Settings.wiring() reads
    terraform/service/main.tf; `broken` = "no-action" or "wrong-dimension" breaks the scale-up alarm."""
    clients = {
        s: boto3.client(
            s, endpoint_url=endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test"
        )
        for s in SERVICES
    }
    names = Names.from_settings(settings)
    up, down, up_policy, down_policy = settings.wiring()
    ecs = clients["ecs"]
    ecs.create_cluster(clusterName=names.cluster)
    ecs.register_task_definition(
        family=names.service, containerDefinitions=[{"name": "app", "image": "x", "memory": 512}]
    )
    ecs.create_service(
        cluster=names.cluster,
        serviceName=names.service,
        taskDefinition=names.service,
        desiredCount=int(settings["min_task_count"]),
    )
    resource = f"service/{names.cluster}/{names.service}"
    aas = clients["application-autoscaling"]
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=int(settings["min_task_count"]),
        MaxCapacity=int(settings["max_scaled_task_count"]),
    )
    arns = {}
    for policy in (up_policy, down_policy):
        steps = [
            {
                k: v
                for k, v in (
                    ("MetricIntervalLowerBound", s.lower),
                    ("MetricIntervalUpperBound", s.upper),
                    ("ScalingAdjustment", s.scaling_adjustment),
                )
                if v is not None
            }
            for s in policy.steps
        ]
        arns[policy.name] = aas.put_scaling_policy(
            PolicyName=policy.name,
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension="ecs:service:DesiredCount",
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={
                "AdjustmentType": "ChangeInCapacity",
                "StepAdjustments": steps,
                "Cooldown": policy.cooldown,
                "MetricAggregationType": "Average",
            },
        )["PolicyARN"]
    for alarm, policy in ((up, up_policy), (down, down_policy)):
        service = names.service
        actions = [arns[policy.name]]
        if alarm is up and broken == "wrong-dimension":
            service = "some-other-service"
        if alarm is up and broken == "no-action":
            actions = []
        clients["cloudwatch"].put_metric_alarm(
            AlarmName=alarm.name,
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=alarm.period,
            EvaluationPeriods=alarm.evaluation_periods,
            Threshold=alarm.threshold,
            ComparisonOperator=alarm.comparison_operator,
            AlarmActions=actions,
            Dimensions=[{"Name": "ClusterName", "Value": names.cluster}, {"Name": "ServiceName", "Value": service}],
        )
    record = ecs_backends[ACCOUNT][region].services[f"{names.cluster}:{names.service}"]
    world = World(clients, record, names.cluster, names.service, settings)
    return clients, world


def rehearse(endpoint, region, tmp_path, args, broken=""):
    settings = Settings.from_root()
    clients, world = deploy(endpoint, region, settings, broken)
    api = serve_api(world)
    try:
        url = f"http://127.0.0.1:{api.server_address[1]}/dev"
        code = scale_test(
            [args[0], "--api-url", url, "--out", str(tmp_path), "--region", region, *args[1:]],
            clients=clients,
            clock=world,
        )
    finally:
        fakehttp.stop(api)
    return code, world, (tmp_path / "summary.md").read_text()


def test_load_mode_scales_out_to_max_and_back_to_min(endpoint, tmp_path, capsys):
    code, world, summary = rehearse(
        endpoint,
        "eu-west-1",
        tmp_path,
        ["load", "--demand", "3.5", "--minutes", "10", "--expect-max", "4", "--expect-back-to-min"],
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "simulated time" in out and "passed" in summary
    assert [(a.old, a.new) for a in world.target.activities][:2] == [(1, 3), (3, 4)]
    assert world.target.capacity == 1
    assert (tmp_path / "chart.png").stat().st_size > 1000 and "xychart-beta" in summary
    assert "scale-out (alarm -> all new tasks healthy)" in out


def test_drill_mode_proves_alarm_policy_target_both_ways(endpoint, tmp_path, capsys):
    code, world, _summary = rehearse(endpoint, "eu-west-3", tmp_path, ["drill"])
    assert code == 0, capsys.readouterr().out
    assert [(a.old, a.new) for a in world.target.activities][:2] == [(1, 2), (2, 1)]


@pytest.mark.parametrize("broken,region", [("no-action", "us-east-1"), ("wrong-dimension", "us-west-2")])
def test_broken_wiring_fails(endpoint, tmp_path, capsys, broken, region):
    code, world, summary = rehearse(
        endpoint,
        region,
        tmp_path,
        ["load", "--demand", "3.5", "--minutes", "6", "--deadline-minutes", "12", "--expect-max", "4"],
        broken,
    )
    assert code == 1, capsys.readouterr().out
    assert "FAILED" in summary
    assert not [a for a in world.target.activities if a.new > a.old]
