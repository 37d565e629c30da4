"""Unit tests of aws_rules.py (no Terraform, no emulator): each rule passes a value at its limit and fails one
past it, on small `terraform show -json` documents, so every rule is proven able to fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_rules
import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def plan(*resources: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A plan document holding the given (type, values) resources, in a child module for the last one."""
    items = [
        {"address": f"{kind}.r{index}", "mode": "managed", "type": kind, "values": values}
        for index, (kind, values) in enumerate(resources)
    ]
    return {"planned_values": {"root_module": {"resources": items[:-1], "child_modules": [{"resources": items[-1:]}]}}}


def policy_of_size(size: int) -> str:
    """A policy document of exactly `size` characters without white space (indented, to prove white space is
    not counted)."""
    empty = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": ""}]}, indent=4)
    base = aws_rules.policy_size(empty)
    return empty.replace('"Sid": ""', '"Sid": "' + "x" * (size - base) + '"')


def rules_broken(document: dict[str, Any]) -> set[str]:
    return {v.rule for v in aws_rules.check(document)}


ALARM = {"alarm_name": "p-cpu", "period": 60, "evaluation_periods": 1440}
# (resource type, values at the limit, values past it, the rule the second breaks)
CASES = [
    (
        "aws_iam_policy",
        {"name": "p", "policy": policy_of_size(6144)},
        {"name": "p", "policy": policy_of_size(6145)},
        "iam-managed-policy-size",
    ),
    ("aws_iam_policy", {"name": "p" * 128, "policy": "{}"}, {"name": "p" * 129, "policy": "{}"}, "iam-policy-name"),
    ("aws_iam_policy", {"name": "p", "policy": "{}"}, {"name": "p q", "policy": "{}"}, "iam-policy-name"),
    (
        "aws_iam_role",
        {"name": "r", "assume_role_policy": policy_of_size(2048)},
        {"name": "r", "assume_role_policy": policy_of_size(2049)},
        "iam-trust-policy-size",
    ),
    (
        "aws_iam_role",
        {"name": "r" * 64, "assume_role_policy": "{}"},
        {"name": "r" * 65, "assume_role_policy": "{}"},
        "iam-role-name",
    ),
    (
        "aws_iam_role",
        {"name": "r", "assume_role_policy": "{}", "description": "d" * 1000},
        {"name": "r", "assume_role_policy": "{}", "description": "d" * 1001},
        "iam-description",
    ),
    ("aws_lb", {"name": "a" * 32}, {"name": "a" * 33}, "elb-load-balancer-name"),
    ("aws_lb", {"name": "a-b"}, {"name": "a-"}, "elb-load-balancer-name"),
    ("aws_lb", {"name": "a-b"}, {"name": "-a"}, "elb-load-balancer-name"),
    ("aws_lb", {"name": "a-b"}, {"name": "a_b"}, "elb-load-balancer-name"),
    ("aws_lb", {"name": "internal"}, {"name": "internal-api"}, "elb-load-balancer-name"),
    ("aws_lb_target_group", {"name": "internal-blue"}, {"name": "t" * 33}, "elb-target-group-name"),
    ("aws_lb_target_group", {"name": "t-1"}, {"name": "t-"}, "elb-target-group-name"),
    ("aws_cloudwatch_metric_alarm", ALARM, {**ALARM, "evaluation_periods": 1441}, "cloudwatch-alarm-evaluation-window"),
    (
        "aws_cloudwatch_metric_alarm",
        {**ALARM, "period": 3600, "evaluation_periods": 168},
        {**ALARM, "period": 3600, "evaluation_periods": 169},
        "cloudwatch-alarm-evaluation-window",
    ),
    (
        "aws_cloudwatch_metric_alarm",
        {**ALARM, "period": 10, "evaluation_periods": 8640},
        {**ALARM, "period": 10, "evaluation_periods": 8641},
        "cloudwatch-alarm-evaluation-window",
    ),
    (
        "aws_cloudwatch_metric_alarm",
        {**ALARM, "period": 20, "evaluation_periods": 1},
        {**ALARM, "period": 90, "evaluation_periods": 1},
        "cloudwatch-alarm-period",
    ),
    (
        "aws_cloudwatch_metric_alarm",
        {**ALARM, "alarm_name": "a" * 255},
        {**ALARM, "alarm_name": "a" * 256},
        "cloudwatch-alarm-name",
    ),
    ("aws_cloudwatch_log_group", {"name": "/ecs/p.x_y-#1"}, {"name": "/ecs/p x"}, "logs-log-group-name"),
    ("aws_cloudwatch_log_group", {"name": "/" + "l" * 511}, {"name": "/" + "l" * 512}, "logs-log-group-name"),
    ("aws_ecr_repository", {"name": "team/app.v1-x_y"}, {"name": "App"}, "ecr-repository-name"),
    ("aws_ecr_repository", {"name": "ab"}, {"name": "a"}, "ecr-repository-name"),
    ("aws_ecr_repository", {"name": "a/b"}, {"name": "a//b"}, "ecr-repository-name"),
    ("aws_ecs_cluster", {"name": "c" * 255}, {"name": "c" * 256}, "ecs-name"),
    ("aws_ecs_service", {"name": "s_1-a"}, {"name": "s.1"}, "ecs-name"),
    ("aws_ecs_task_definition", {"family": "f"}, {"family": "f:1"}, "ecs-name"),
    ("aws_codedeploy_app", {"name": "a" * 100}, {"name": "a" * 101}, "codedeploy-name"),
    (
        "aws_codedeploy_deployment_group",
        {"deployment_group_name": "g" * 100},
        {"deployment_group_name": "g" * 101},
        "codedeploy-name",
    ),
    ("aws_appautoscaling_policy", {"name": "p" * 256}, {"name": "p" * 257}, "autoscaling-policy-name"),
    ("aws_security_group", {"name": "g" * 255}, {"name": "g" * 256}, "ec2-security-group-name"),
    (
        "aws_security_group",
        {"name": "g", "description": "d" * 255},
        {"name": "g", "description": "d" * 256},
        "ec2-security-group-description",
    ),
    ("aws_apigatewayv2_api", {"name": "a" * 128}, {"name": "a" * 129}, "apigateway-name"),
    ("aws_apigatewayv2_vpc_link", {"name": "l"}, {"name": ""}, "apigateway-name"),
    ("aws_apigatewayv2_stage", {"name": "dev"}, {"name": "s" * 129}, "apigateway-name"),
    ("aws_s3_bucket", {"bucket": "my.bucket-1"}, {"bucket": "My_Bucket"}, "s3-bucket-name"),
]


@pytest.mark.parametrize(("kind", "good", "bad", "rule"), CASES, ids=[f"{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_rule_passes_at_its_limit_and_fails_past_it(kind: str, good: dict, bad: dict, rule: str) -> None:
    assert rules_broken(plan((kind, good))) == set()
    assert rules_broken(plan((kind, bad))) == {rule}


def test_deploy_policy_before_the_split_breaks_the_managed_policy_quota() -> None:
    """The bootstrap deploy policy as it was rendered before the split (9,7xx characters) is refused."""
    document = json.dumps(json.loads((FIXTURES / "deploy_policy_before_split.json").read_text()))
    (violation,) = aws_rules.check(plan(("aws_iam_policy", {"name": "fasb-deploy-policy", "policy": document})))
    assert violation.rule == "iam-managed-policy-size"
    assert aws_rules.policy_size(document) > aws_rules.MANAGED_POLICY_MAX


def test_more_than_ten_managed_policies_on_one_role() -> None:
    """Attachments are counted per role name, across resources; a second role is counted separately."""

    def attachments(role: str, count: int) -> list[tuple[str, dict]]:
        return [
            ("aws_iam_role_policy_attachment", {"role": role, "policy_arn": f"arn:aws:iam::1:policy/{role}-{i}"})
            for i in range(count)
        ]

    assert rules_broken(plan(*attachments("a", 10), *attachments("b", 10))) == set()
    violations = aws_rules.check(plan(*attachments("a", 11), *attachments("b", 10)))
    assert [(v.address, v.rule) for v in violations] == [("role a", "iam-managed-policies-per-role")]


def test_inline_policies_of_one_role_add_up() -> None:
    """aws_iam_role_policy resources and the role's own inline_policy blocks count against one 10,240 total."""
    role = (
        "aws_iam_role",
        {"name": "r", "assume_role_policy": "{}", "inline_policy": [{"name": "i", "policy": policy_of_size(5120)}]},
    )
    fits = ("aws_iam_role_policy", {"role": "r", "policy": policy_of_size(5120)})
    assert rules_broken(plan(role, fits)) == set()
    too_much = ("aws_iam_role_policy", {"role": "r", "policy": policy_of_size(5121)})
    assert rules_broken(plan(role, too_much)) == {"iam-role-inline-policies-size"}


def test_a_value_unknown_at_plan_time_is_reported_not_skipped() -> None:
    """A policy computed at apply is absent from planned_values: it cannot be measured, so it fails."""
    (violation,) = aws_rules.check(plan(("aws_iam_policy", {"name": "p"})))
    assert violation.rule == "iam-managed-policy-size" and aws_rules.UNKNOWN in violation.detail


def test_state_documents_and_data_sources() -> None:
    """A state document (values) is walked the same way; data sources are not resources to check."""
    state = {
        "values": {
            "root_module": {
                "resources": [
                    {"address": "data.aws_iam_policy.x", "mode": "data", "type": "aws_iam_policy", "values": {}},
                    {"address": "aws_lb.this", "mode": "managed", "type": "aws_lb", "values": {"name": "internal-x"}},
                ]
            }
        }
    }
    assert [(v.address, v.rule) for v in aws_rules.check(state)] == [("aws_lb.this", "elb-load-balancer-name")]


def test_not_a_terraform_document_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="not a terraform show -json document"):
        aws_rules.check({"format_version": "1.2"})
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert aws_rules.main([str(broken)]) == 2
    assert "broken.json" in capsys.readouterr().err
