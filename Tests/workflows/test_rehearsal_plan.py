"""Rehearsal of what issue 9 added beyond the anchors, on a stack of its own built by test_rehearsal.py's fixture
and steps (IAM enforced; the workflows' scripts signed as the deploy role):

1. Init and Deploy write their job summaries: the image digest, each root's outputs (the task definition
   revision, the invoke URL), the deployment CodeDeploy's test double created with its console link, the
   outcome, and the smoke test naming the deployed image that answered.
2. Pull request plans: after Init, plan-roots.sh signed as the bootstrap's read-only plan role plans every root
   against the real state, takes no lock and writes nothing, and the task root plans with the image its state
   pins (no change); the same role is denied an apply and any write (AccessDenied). The bootstrap's applied
   IAM documents are within IAM's quotas (Tests/terraform/aws_rules.py).

Test doubles as in test_rehearsal.py: the GitHub OIDC token (for both roles), the fake docker, the CodeDeploy
test double, and a local HTTP server standing in for API Gateway. The tests share one stack, in file order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fakehttp import serving  # noqa: E402 (on the path workflow_support sets)
from test_rehearsal import (  # noqa: F401 (fixture: rehearsal)
    REPO,
    ROOTS,
    STATE_BUCKET,
    Rehearsal,
    StandInApi,
    apply_task,
    build_step,
    rehearsal,
)
from workflow_support import REGION, Result, aws_cli, run

sys.path.insert(0, str(REPO / "Tests" / "terraform"))
import aws_rules  # noqa: E402 (the one owner of the quota rules)

PLAN_ROLE = "fargate-auto-scaled-backend-plan"  # the bootstrap's default <project_name>-plan


def console_link(deployment_id: str) -> str:
    return (
        f"[{deployment_id}](https://{REGION}.console.aws.amazon.com/codesuite/codedeploy/deployments/"
        f"{deployment_id}?region={REGION})"
    )


def summarized_step(
    rehearsal: Rehearsal, name: str, script: str, *args: str, env: dict | None = None
) -> tuple[Result, str]:
    """One workflow step with its own GITHUB_STEP_SUMMARY (GitHub gives each step one); returns the result and
    the summary the step wrote."""
    summary = rehearsal.repo.parent / f"summary-{name}.md"
    summary.unlink(missing_ok=True)
    result = rehearsal.step(script, *args, env=dict(env or rehearsal.env, GITHUB_STEP_SUMMARY=str(summary)))
    return result, summary.read_text() if summary.exists() else ""


# MARK: - Init and Deploy summaries


def test_init_summaries_name_the_image_the_revision_and_the_api(rehearsal: Rehearsal) -> None:
    rehearsal.step("terraform-root.sh", "apply", "ecr")
    image = build_step(rehearsal)
    _, task_summary = summarized_step(
        rehearsal,
        "task",
        "terraform-root.sh",
        "apply",
        "task",
        env=dict(rehearsal.env, TF_VAR_image_uri=image["image_uri"]),
    )
    task = rehearsal.outputs("task")
    assert task_summary.startswith("### Terraform `task`: applied\n")
    assert f"| task_definition_arn | `{task['task_definition_arn']}` |" in task_summary
    assert f"| task_definition_revision | `{task['task_definition_revision']}` |" in task_summary
    rehearsal.step("terraform-root.sh", "apply", "service")
    _, network_summary = summarized_step(rehearsal, "network", "terraform-root.sh", "apply", "network")
    invoke_url = rehearsal.outputs("network")["invoke_url"]
    assert f"| invoke_url | `{invoke_url}` |" in network_summary
    rehearsal.seen.update(image_uri=image["image_uri"], task=task["task_definition_arn"], invoke_url=invoke_url)


def test_deploy_summaries_name_the_deployment_and_the_image_that_answered(rehearsal: Rehearsal) -> None:
    source = sorted((rehearsal.repo / "Sources").rglob("*.swift"))[0]
    source.write_text(source.read_text() + "\n// rehearsal: a change for the summaries\n")
    image, image_summary = summarized_step(
        rehearsal,
        "image",
        "ensure-image.sh",
        "--repository-url",
        rehearsal.outputs("ecr")["repository_url"],
        "--tag",
        rehearsal.step("image-tag.sh").outputs["image_tag"],
    )
    image_uri = image.outputs["image_uri"]
    assert image_summary.startswith(f"- **Image**: `{image_uri}` — built and pushed by this run")
    task = apply_task(rehearsal, image_uri)

    service = rehearsal.step("ecs-check.sh").outputs
    _, check_summary = summarized_step(
        rehearsal,
        "check",
        "task-definition-changed.sh",
        "--current",
        service["task_definition_arn"],
        "--new",
        task["task_definition_arn"],
        "--application",
        service["codedeploy_app_name"],
        "--deployment-group",
        service["codedeploy_deployment_group_name"],
    )
    assert check_summary == (
        f"- **Task definition**: `{task['task_definition_arn']}` to deploy "
        f"(the service runs `{rehearsal.seen['task']}`)\n"
    )

    rehearsal.emulator.deployments_will("Succeeded", after_polls=2)
    deployed, deploy_summary = summarized_step(
        rehearsal,
        "deploy",
        "create-deployment.sh",
        "--application",
        service["codedeploy_app_name"],
        "--deployment-group",
        service["codedeploy_deployment_group_name"],
        "--task-definition-arn",
        task["task_definition_arn"],
        "--container-name",
        task["container_name"],
        "--container-port",
        str(task["container_port"]),
        "--timeout",
        "60",
        "--interval",
        "1",
    )
    (deployment_id,) = rehearsal.deployments()  # what the CodeDeploy test double created
    assert deployed.outputs["deployment_id"] == deployment_id
    assert deploy_summary.splitlines() == [
        f"- **Deployment**: {console_link(deployment_id)} of `{task['task_definition_arn']}` in "
        f"{service['codedeploy_app_name']}/{service['codedeploy_deployment_group_name']}",
        f"- **Outcome**: deployed — {console_link(deployment_id)} Succeeded",
    ]

    # The stand-in answers with the IMAGE the now-running task definition gives the container, as the app does.
    running = rehearsal.step("ecs-check.sh").outputs["task_definition_arn"]
    container = aws_cli(rehearsal.admin_env, "ecs", "describe-task-definition", "--task-definition", running)[
        "taskDefinition"
    ]["containerDefinitions"][0]
    reported = {item["name"]: item["value"] for item in container["environment"]}["IMAGE"]
    stage = rehearsal.seen["invoke_url"].rstrip("/").rsplit("/", 1)[1]
    with serving(type("Api", (StandInApi,), {"stage": stage, "image": reported})) as base:
        _, smoke_summary = summarized_step(
            rehearsal,
            "smoke",
            "smoke-test.sh",
            "--url",
            f"{base}/{stage}",
            "--expect-image",
            image_uri,
            "--deadline",
            "20",
            "--interval",
            "1",
        )
    assert smoke_summary.startswith(f"- **API**: `{base}/{stage}/host` answered 200 from image `{image_uri}`")
    assert smoke_summary.rstrip().endswith(": the deployed image")


# MARK: - Pull request plans with the read-only role


@pytest.fixture(scope="module")
def plan_env(rehearsal: Rehearsal) -> dict[str, str]:
    """The workflows' environment signed as the plan role, assumed as the Plan workflow does (the OIDC token is
    the emulator's test double, which must be used before IAM is enforced)."""
    arn = aws_cli(rehearsal.admin_env, "iam", "get-role", "--role-name", PLAN_ROLE)["Role"]["Arn"]
    rehearsal.emulator.enforce_iam(False)
    try:
        return rehearsal.emulator.deploy_role(rehearsal.env, arn)
    finally:
        rehearsal.emulator.enforce_iam()


def state_objects(rehearsal: Rehearsal) -> dict[str, str]:
    listed = aws_cli(rehearsal.admin_env, "s3api", "list-objects-v2", "--bucket", STATE_BUCKET).get("Contents", [])
    return {item["Key"]: item["ETag"] for item in listed}


def test_the_plan_role_plans_every_root_without_a_lock_or_a_write(
    rehearsal: Rehearsal, plan_env: dict[str, str]
) -> None:
    before = state_objects(rehearsal)
    assert set(before) == {f"{root}.tfstate" for root in ROOTS}
    result, summary = summarized_step(rehearsal, "plan", "plan-roots.sh", *ROOTS, env=plan_env)
    for root in ROOTS:
        assert (
            f"### Plan of `{root}`: " in summary and f"<details><summary>terraform show ({root})</summary>" in summary
        )
    assert "failed" not in summary
    # The task root planned with the image in its state: the pull request changed nothing there.
    assert "### Plan of `task`: no changes\n" in summary
    assert state_objects(rehearsal) == before, "a plan wrote a state or left a lock file"


def test_the_plan_role_is_denied_an_apply_and_any_write(rehearsal: Rehearsal, plan_env: dict[str, str]) -> None:
    apply = run("terraform-root.sh", "apply", "ecr", env=plan_env, cwd=rehearsal.repo, timeout=600)
    assert apply.code != 0
    assert "AccessDenied" in apply.stderr, apply.stderr[-3000:]
    service = rehearsal.outputs("service")
    for write in (
        ["s3api", "put-object", "--bucket", STATE_BUCKET, "--key", "ecr.tfstate.tflock", "--body", str(Path(__file__))],
        [
            "ecs",
            "update-service",
            "--cluster",
            service["cluster_name"],
            "--service",
            service["service_name"],
            "--desired-count",
            "5",
        ],
        [
            "deploy",
            "create-deployment",
            "--application-name",
            service["codedeploy_app_name"],
            "--deployment-group-name",
            service["codedeploy_deployment_group_name"],
        ],
    ):
        denied = subprocess.run(["aws", *write], env=plan_env, capture_output=True, text=True, timeout=120, check=False)
        assert denied.returncode != 0 and "AccessDenied" in denied.stderr, (write, denied.stderr)


def test_the_bootstraps_iam_documents_are_within_iams_quotas(rehearsal: Rehearsal) -> None:
    """moto stores any size of policy; the applied bootstrap state (both roles, every policy) is measured."""
    shown = subprocess.run(
        ["terraform", f"-chdir={rehearsal.repo / 'terraform' / 'bootstrap'}", "show", "-json"],
        env=rehearsal.admin_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    document = json.loads(shown.stdout)
    types = {resource.type for resource in aws_rules.resources(document)}
    assert {"aws_iam_role", "aws_iam_policy", "aws_iam_role_policy_attachment"} <= types
    plan_policies = [r for r in aws_rules.resources(document) if r.address.startswith("aws_iam_policy.plan[")]
    assert plan_policies, "the bootstrap created no plan policies"
    assert [str(v) for v in aws_rules.check(document)] == []
