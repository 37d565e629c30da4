"""AWS quotas and naming rules that moto does not enforce, checked on what Terraform renders.

`check(document)` walks every resource of a `terraform show -json` document (a saved plan: `planned_values`,
or a state: `values`, root and child modules) and returns the violations of the rules below. This module is
the only owner of these rules; each cites the AWS page it comes from. A value a plan does not know yet
(computed at apply) cannot be measured, so it is reported as a violation too: a check that silently skips
what it cannot see would pass for the wrong reason.

    python3 Tests/terraform/aws_rules.py show.json [more.json ...]   # exit 1 and a list if anything breaks
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Violation:
    address: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.address}: {self.rule}: {self.detail}"


UNKNOWN = "unknown at plan time"

# MARK: - IAM ("IAM and AWS STS quotas", IAM User Guide)
# "IAM doesn't count white space when computing the size of a policy against these limits."
MANAGED_POLICY_MAX = 6_144  # Managed policy size
TRUST_POLICY_MAX = 2_048  # Role trust policy length
ROLE_INLINE_POLICIES_MAX = 10_240  # Role policy size: the aggregate of a role's inline policies
MANAGED_POLICIES_PER_ROLE_MAX = 10  # Managed policies attached to an IAM role (default quota)
ROLE_NAME_MAX = 64  # Role name length
POLICY_NAME_MAX = 128  # Policy name length
IAM_DESCRIPTION_MAX = 1_000  # CreateRole / CreatePolicy: Description, maximum length 1000
# "IAM name requirements": letters, digits and + = , . @ _ -
IAM_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]+$")

# MARK: - Elastic Load Balancing ("CreateLoadBalancer" and "CreateTargetGroup", ELB API Reference)
# "can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not
# begin or end with a hyphen" (a load balancer's also "must not begin with internal-").
ELB_NAME_MAX = 32
ELB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")

# MARK: - CloudWatch ("PutMetricAlarm", CloudWatch API Reference)
# Period: "Valid values are 10, 20, 30, and any multiple of 60." "Period multiplied by EvaluationPeriods can't
# be more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total
# evaluation period can't be longer than one day (86,400 seconds)." AlarmName: length 1-255.
ALARM_WINDOW_MAX = 604_800
ALARM_WINDOW_SUB_HOUR_MAX = 86_400
ALARM_NAME_MAX = 255

# MARK: - CloudWatch Logs ("CreateLogGroup", CloudWatch Logs API Reference)
# "Log group names can be between 1 and 512 characters long"; pattern [\.\-_/#A-Za-z0-9]+.
LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")

# MARK: - ECR ("CreateRepository", ECR API Reference): repositoryName length 2-256 and this pattern.
ECR_REPOSITORY_NAME = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
ECR_REPOSITORY_NAME_LENGTH = (2, 256)

# MARK: - ECS ("CreateCluster", "CreateService", "RegisterTaskDefinition", ECS API Reference)
# "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
ECS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")

# MARK: - CodeDeploy ("CreateApplication", "CreateDeploymentGroup"): applicationName and
# deploymentGroupName, length 1-100.
CODEDEPLOY_NAME_MAX = 100

# MARK: - Application Auto Scaling ("PutScalingPolicy"): PolicyName length 1-256.
SCALING_POLICY_NAME_MAX = 256

# MARK: - EC2 ("CreateSecurityGroup"): GroupName and Description "Up to 255 characters in length".
SECURITY_GROUP_TEXT_MAX = 255

# MARK: - API Gateway v2 ("CreateApi", "CreateVpcLink", "CreateStage"; "Amazon API Gateway quotas"):
# names up to 128 characters.
APIGATEWAY_NAME_MAX = 128

# MARK: - S3 ("General purpose bucket naming rules"): 3-63 lowercase letters, digits, dots and hyphens,
# beginning and ending with a letter or digit.
S3_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def policy_size(document: str) -> int:
    """Characters of a policy document as IAM counts them: without white space."""
    return len(re.sub(r"\s", "", document))


# MARK: - Walking the document


@dataclass(frozen=True)
class Resource:
    address: str
    type: str
    values: dict[str, Any]


def resources(document: dict[str, Any]) -> Iterator[Resource]:
    """Every managed resource of a `terraform show -json` plan or state, in every module."""
    if not isinstance(document, dict):
        raise ValueError("not a terraform show -json document (expected a JSON object)")
    root = (document.get("planned_values") or document.get("values") or {}).get("root_module")
    if root is None:
        raise ValueError("no planned_values.root_module or values.root_module: not a terraform show -json document")
    modules = [root]
    while modules:
        module = modules.pop()
        for resource in module.get("resources", []):
            if resource.get("mode", "managed") == "managed":
                yield Resource(resource["address"], resource["type"], resource.get("values") or {})
        modules.extend(module.get("child_modules", []))


# MARK: - Rules per resource type

Check = Callable[[Resource], Iterator[Violation]]


def _text(resource: Resource, key: str, rule: str) -> Iterator[str | Violation]:
    """The value of a string attribute, or a violation if a plan does not know it."""
    value = resource.values.get(key)
    if not isinstance(value, str):
        yield Violation(resource.address, rule, f"{key} is {UNKNOWN}, so it cannot be checked")
    else:
        yield value


def _name_rule(key: str, rule: str, test: Callable[[str], str | None]) -> Check:
    """A rule on one string attribute; `test` returns what is wrong with it, or None."""

    def check(resource: Resource) -> Iterator[Violation]:
        for value in _text(resource, key, rule):
            if isinstance(value, Violation):
                yield value
            elif (problem := test(value)) is not None:
                yield Violation(resource.address, rule, f"{key} {value!r} {problem}")

    return check


def _length(low: int, high: int, pattern: re.Pattern[str] | None = None, what: str = "") -> Callable[[str], str | None]:
    def test(value: str) -> str | None:
        if not low <= len(value) <= high:
            return f"has {len(value)} characters; allowed {low}-{high}"
        if pattern is not None and not pattern.match(value):
            return f"does not match {what or pattern.pattern}"
        return None

    return test


def _elb_name(prefix_forbidden: bool) -> Callable[[str], str | None]:
    def test(value: str) -> str | None:
        if len(value) > ELB_NAME_MAX:
            return f"has {len(value)} characters; at most {ELB_NAME_MAX}"
        if not ELB_NAME.match(value):
            return "must be letters, digits and hyphens, not beginning or ending with a hyphen"
        if prefix_forbidden and value.startswith("internal-"):
            return "must not begin with 'internal-'"
        return None

    return test


def _policy_document(key: str, limit: int, rule: str) -> Check:
    def check(resource: Resource) -> Iterator[Violation]:
        for value in _text(resource, key, rule):
            if isinstance(value, Violation):
                yield value
            elif (size := policy_size(value)) > limit:
                yield Violation(
                    resource.address, rule, f"{key} has {size} characters without white space; at most {limit}"
                )

    return check


def _optional_max(key: str, limit: int, rule: str) -> Check:
    def check(resource: Resource) -> Iterator[Violation]:
        value = resource.values.get(key)
        if isinstance(value, str) and len(value) > limit:
            yield Violation(resource.address, rule, f"{key} has {len(value)} characters; at most {limit}")

    return check


def _alarm_window(resource: Resource) -> Iterator[Violation]:
    rule = "cloudwatch-alarm-evaluation-window"
    period, periods = resource.values.get("period"), resource.values.get("evaluation_periods")
    if resource.values.get("metric_query"):
        return  # metric-math alarms set the period per metric; the roots use none
    if not isinstance(period, (int, float)) or not isinstance(periods, (int, float)):
        yield Violation(resource.address, rule, f"period or evaluation_periods is {UNKNOWN}")
        return
    if period not in (10, 20, 30) and period % 60 != 0:
        yield Violation(
            resource.address, "cloudwatch-alarm-period", f"period {period} is not 10, 20, 30 or a multiple of 60"
        )
    limit = alarm_window_limit(period)
    if period * periods > limit:
        yield Violation(
            resource.address,
            rule,
            f"period {period} x evaluation_periods {periods} = {period * periods} s; at most {limit} s for this period",
        )


def alarm_window_limit(period: float) -> int:
    """The longest period x evaluation periods PutMetricAlarm accepts for this period."""
    return ALARM_WINDOW_SUB_HOUR_MAX if period < 3_600 else ALARM_WINDOW_MAX


RULES: dict[str, list[Check]] = {
    "aws_iam_policy": [
        _policy_document("policy", MANAGED_POLICY_MAX, "iam-managed-policy-size"),
        _name_rule("name", "iam-policy-name", _length(1, POLICY_NAME_MAX, IAM_NAME, "IAM name characters")),
        _optional_max("description", IAM_DESCRIPTION_MAX, "iam-description"),
    ],
    "aws_iam_role": [
        _policy_document("assume_role_policy", TRUST_POLICY_MAX, "iam-trust-policy-size"),
        _name_rule("name", "iam-role-name", _length(1, ROLE_NAME_MAX, IAM_NAME, "IAM name characters")),
        _optional_max("description", IAM_DESCRIPTION_MAX, "iam-description"),
    ],
    "aws_lb": [_name_rule("name", "elb-load-balancer-name", _elb_name(prefix_forbidden=True))],
    "aws_lb_target_group": [_name_rule("name", "elb-target-group-name", _elb_name(prefix_forbidden=False))],
    "aws_cloudwatch_metric_alarm": [
        _alarm_window,
        _name_rule("alarm_name", "cloudwatch-alarm-name", _length(1, ALARM_NAME_MAX)),
    ],
    "aws_cloudwatch_log_group": [
        _name_rule("name", "logs-log-group-name", _length(1, 512, LOG_GROUP_NAME, "[.-_/#A-Za-z0-9]")),
    ],
    "aws_ecr_repository": [
        _name_rule("name", "ecr-repository-name", _length(*ECR_REPOSITORY_NAME_LENGTH, ECR_REPOSITORY_NAME)),
    ],
    "aws_ecs_cluster": [_name_rule("name", "ecs-name", _length(1, 255, ECS_NAME))],
    "aws_ecs_service": [_name_rule("name", "ecs-name", _length(1, 255, ECS_NAME))],
    "aws_ecs_task_definition": [_name_rule("family", "ecs-name", _length(1, 255, ECS_NAME))],
    "aws_codedeploy_app": [_name_rule("name", "codedeploy-name", _length(1, CODEDEPLOY_NAME_MAX))],
    "aws_codedeploy_deployment_group": [
        _name_rule("deployment_group_name", "codedeploy-name", _length(1, CODEDEPLOY_NAME_MAX)),
    ],
    "aws_appautoscaling_policy": [
        _name_rule("name", "autoscaling-policy-name", _length(1, SCALING_POLICY_NAME_MAX)),
    ],
    "aws_security_group": [
        _name_rule("name", "ec2-security-group-name", _length(1, SECURITY_GROUP_TEXT_MAX)),
        _optional_max("description", SECURITY_GROUP_TEXT_MAX, "ec2-security-group-description"),
    ],
    "aws_apigatewayv2_api": [_name_rule("name", "apigateway-name", _length(1, APIGATEWAY_NAME_MAX))],
    "aws_apigatewayv2_vpc_link": [_name_rule("name", "apigateway-name", _length(1, APIGATEWAY_NAME_MAX))],
    "aws_apigatewayv2_stage": [_name_rule("name", "apigateway-name", _length(1, APIGATEWAY_NAME_MAX))],
    "aws_s3_bucket": [_name_rule("bucket", "s3-bucket-name", _length(3, 63, S3_BUCKET_NAME))],
}


# MARK: - Rules across resources (per role)


def _per_role(found: list[Resource]) -> Iterator[Violation]:
    """Managed policies attached to a role (<= 10) and the aggregate size of its inline policies (<= 10,240)."""
    attached: dict[str, set[str]] = defaultdict(set)
    inline: dict[str, int] = defaultdict(int)
    for resource in found:
        values = resource.values
        if resource.type == "aws_iam_role_policy_attachment":
            role, arn = values.get("role"), values.get("policy_arn")
            if not isinstance(role, str):
                yield Violation(resource.address, "iam-managed-policies-per-role", f"role is {UNKNOWN}")
                continue
            attached[role].add(arn if isinstance(arn, str) else resource.address)
        elif resource.type == "aws_iam_role_policy":
            role, policy = values.get("role"), values.get("policy")
            if not isinstance(role, str) or not isinstance(policy, str):
                yield Violation(resource.address, "iam-role-inline-policies-size", f"role or policy is {UNKNOWN}")
                continue
            inline[role] += policy_size(policy)
        elif resource.type == "aws_iam_role" and isinstance(values.get("name"), str):
            for arn in values.get("managed_policy_arns") or []:
                attached[values["name"]].add(arn)
            for block in values.get("inline_policy") or []:
                if isinstance(block.get("policy"), str):
                    inline[values["name"]] += policy_size(block["policy"])
    for role, arns in sorted(attached.items()):
        if len(arns) > MANAGED_POLICIES_PER_ROLE_MAX:
            yield Violation(
                f"role {role}",
                "iam-managed-policies-per-role",
                f"{len(arns)} managed policies attached; at most {MANAGED_POLICIES_PER_ROLE_MAX}",
            )
    for role, size in sorted(inline.items()):
        if size > ROLE_INLINE_POLICIES_MAX:
            yield Violation(
                f"role {role}",
                "iam-role-inline-policies-size",
                f"inline policies total {size} characters without white space; at most {ROLE_INLINE_POLICIES_MAX}",
            )


def check(document: dict[str, Any]) -> list[Violation]:
    """Every violation of the rules above in a `terraform show -json` plan or state document."""
    found = list(resources(document))
    violations = [v for resource in found for rule in RULES.get(resource.type, []) for v in rule(resource)]
    return violations + list(_per_role(found))


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                violations = check(json.load(handle))
        except (OSError, ValueError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            return 2
        for violation in violations:
            print(f"{path}: {violation}")
        failed = failed or bool(violations)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
