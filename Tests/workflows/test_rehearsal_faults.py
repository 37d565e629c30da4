"""Rehearsal of what goes wrong on real GitHub and AWS (issue 9), on a stack of its own built by the same
scripts as test_rehearsal.py (its fixture and steps are reused): a long Linear deployment with a termination
wait that succeeds; a failed deployment that CodeDeploy rolls back, then a README-only push that does not
redeploy; a Deploy while a deployment runs; a stale state lock; Destroy with a state it cannot read.

The service root is applied with CodeDeployDefault.ECSLinear10PercentEvery3Minutes and a 60-minute
termination wait, the settings under which the old fixed 30-minute watch stopped healthy deployments.
Test doubles as in test_rehearsal.py, plus Tests/workflows/fakes/unreadable-state/terraform (a state read that
S3 refuses after init). The tests share one stack and run in file order.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from test_rehearsal import STATE_BUCKET, Rehearsal, apply_task, build_step, rehearsal  # noqa: F401 (fixture)
from workflow_support import aws_cli, run

UNREADABLE_STATE = Path(__file__).resolve().parent / "fakes" / "unreadable-state"
LINEAR = {
    "TF_VAR_deployment_config_name": "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
    "TF_VAR_termination_wait_minutes": "60",
}


def change_sources(rehearsal: Rehearsal, note: str) -> None:
    source = sorted((rehearsal.repo / "Sources").rglob("*.swift"))[0]
    source.write_text(source.read_text() + f"\n// rehearsal: {note}\n")


def check_step(rehearsal: Rehearsal, new_arn: str) -> tuple[dict[str, str], dict[str, str], str]:
    """Deploy's check job: the service, the decision with CodeDeploy's history, and why (the log)."""
    service = rehearsal.step("ecs-check.sh").outputs
    decision = rehearsal.step(
        "task-definition-changed.sh",
        "--current",
        service["task_definition_arn"],
        "--new",
        new_arn,
        "--application",
        service["codedeploy_app_name"],
        "--deployment-group",
        service["codedeploy_deployment_group_name"],
    )
    return service, decision.outputs, decision.stderr


def deploy_job(rehearsal: Rehearsal, service: dict[str, str], task: dict, timeout: str):
    return run(
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
        timeout,
        "--interval",
        "1",
        "--rollback-timeout",
        "30",
        env=rehearsal.env,
        cwd=rehearsal.repo,
        timeout=300,
    )


def test_init_with_a_linear_deployment_configuration(rehearsal: Rehearsal) -> None:
    rehearsal.step("terraform-root.sh", "apply", "ecr")
    image = build_step(rehearsal)
    task = apply_task(rehearsal, image["image_uri"])
    rehearsal.step("terraform-root.sh", "apply", "service", env=dict(rehearsal.env, **LINEAR))
    assert rehearsal.step("ecs-check.sh").outputs["task_definition_arn"] == task["task_definition_arn"]
    rehearsal.seen.update(task=task["task_definition_arn"])


def test_a_long_linear_deployment_succeeds(rehearsal: Rehearsal) -> None:
    """Linear 10 % every 3 minutes plus a 60-minute termination wait: the watch is sized past both (the old
    fixed 1800 s was not), and a deployment that shifts traffic and then waits is watched to Succeeded."""
    change_sources(rehearsal, "a change deployed with Linear traffic shifting")
    task = apply_task(rehearsal, build_step(rehearsal)["image_uri"])
    service, decision, _ = check_step(rehearsal, task["task_definition_arn"])
    assert decision == {"deploy": "true"}
    budget = rehearsal.step(
        "deployment-budget.sh",
        "--application",
        service["codedeploy_app_name"],
        "--deployment-group",
        service["codedeploy_deployment_group_name"],
    ).outputs
    assert int(budget["watch_timeout_seconds"]) >= (10 * 3 + 60) * 60 > 1800
    rehearsal.emulator.control.write_text(
        json.dumps({"status": "Succeeded", "afterPolls": 6, "trafficShiftedAfterPolls": 3})
    )
    result = deploy_job(rehearsal, service, task, budget["watch_timeout_seconds"])
    assert result.code == 0, result.stderr
    assert rehearsal.step("ecs-check.sh").outputs["task_definition_arn"] == task["task_definition_arn"]
    rehearsal.seen.update(task=task["task_definition_arn"])


def test_a_failed_deployment_rolls_back_and_a_readme_push_does_not_redeploy_it(rehearsal: Rehearsal) -> None:
    change_sources(rehearsal, "a change whose tasks fail their health check")
    bad = apply_task(rehearsal, build_step(rehearsal)["image_uri"])
    service, decision, _ = check_step(rehearsal, bad["task_definition_arn"])
    assert decision == {"deploy": "true"}
    rehearsal.emulator.control.write_text(
        json.dumps(
            {
                "status": "Failed",
                "afterPolls": 2,
                "errorInformation": {"code": "HEALTH_CONSTRAINTS", "message": "tasks failed the health check"},
                "rollback": {"status": "Succeeded", "afterPolls": 2},
            }
        )
    )
    failed = deploy_job(rehearsal, service, bad, "120")
    assert failed.code == 1
    assert "restored the previous revision" in failed.stderr, failed.stderr
    assert rehearsal.step("ecs-check.sh").outputs["task_definition_arn"] == rehearsal.seen["task"]

    # The next push changes only the README: same tag, no build, same (bad) task definition in the task root.
    readme = rehearsal.repo / "README.md"
    readme.write_text(readme.read_text() + "\nA documentation change.\n")
    image = build_step(rehearsal)
    assert image["built"] == "false"
    again = apply_task(rehearsal, image["image_uri"])
    assert again["task_definition_arn"] == bad["task_definition_arn"]
    _, decision, why = check_step(rehearsal, again["task_definition_arn"])
    assert decision == {"deploy": "false"}
    assert "ended Failed: HEALTH_CONSTRAINTS: tasks failed the health check" in why


def test_a_deploy_while_a_deployment_runs_says_what_runs(rehearsal: Rehearsal) -> None:
    """A cancelled job leaves its deployment running; the next Deploy names it and creates nothing."""
    rehearsal.emulator.deployments_never_progress()
    change_sources(rehearsal, "a change pushed while a deployment runs")
    task = apply_task(rehearsal, build_step(rehearsal)["image_uri"])
    service, decision, _ = check_step(rehearsal, task["task_definition_arn"])
    assert decision == {"deploy": "true"}
    # The cancelled job got as far as CreateDeployment; its watcher never ran.
    appspec = rehearsal.step("render-appspec.sh", "--task-definition-arn", task["task_definition_arn"]).stdout
    running = aws_cli(
        rehearsal.admin_env,
        "deploy",
        "create-deployment",
        "--application-name",
        service["codedeploy_app_name"],
        "--deployment-group-name",
        service["codedeploy_deployment_group_name"],
        "--description",
        "left by a cancelled Deploy job",
        "--revision",
        json.dumps({"revisionType": "AppSpecContent", "appSpecContent": {"content": appspec}}),
    )["deploymentId"]
    before = set(rehearsal.deployments())
    second = deploy_job(rehearsal, service, task, "10")
    assert second.code == 1
    assert f"deployment {running} is Created (created by user, left by a cancelled Deploy job)" in second.stderr
    assert "already has a deployment in progress" in second.stderr
    assert set(rehearsal.deployments()) == before


def test_a_stale_lock_is_reported_with_the_command_that_removes_it(rehearsal: Rehearsal, tmp_path: Path) -> None:
    created = time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(time.time() - 3 * 3600))
    lock = tmp_path / "lock.json"
    lock.write_text(
        json.dumps(
            {
                "ID": "0b5e0b5e-1111-4222-8333-444455556666",
                "Operation": "OperationTypeApply",
                "Who": "runner@cancelled-job",
                "Version": "1.11.4",
                "Created": created,
                "Path": f"{STATE_BUCKET}/task.tfstate",
            }
        )
    )
    aws_cli(
        rehearsal.admin_env,
        "s3api",
        "put-object",
        "--bucket",
        STATE_BUCKET,
        "--key",
        "task.tfstate.tflock",
        "--body",
        str(lock),
    )
    image_uri = build_step(rehearsal)["image_uri"]
    blocked = run(
        "terraform-root.sh",
        "apply",
        "task",
        env=dict(rehearsal.env, TF_VAR_image_uri=image_uri),
        cwd=rehearsal.repo,
        timeout=300,
    )
    assert blocked.code == 1
    assert "scripts/pipeline/terraform-root.sh force-unlock task 0b5e0b5e-1111-4222-8333-444455556666" in blocked.stderr
    rehearsal.step("terraform-root.sh", "force-unlock", "task", "0b5e0b5e-1111-4222-8333-444455556666")
    apply_task(rehearsal, image_uri)


def test_destroy_stops_at_a_state_it_cannot_read(rehearsal: Rehearsal) -> None:
    """The service root's state cannot be read: Destroy fails there and leaves network, task and ECR alone
    (they are what a still-running service uses). A later Destroy with access restored removes everything."""
    env = dict(rehearsal.env, PATH=f"{UNREADABLE_STATE}{os.pathsep}{rehearsal.env['PATH']}")
    result = run("destroy.sh", env=env, cwd=rehearsal.repo, timeout=900)
    assert result.code == 1
    assert "cannot read the state of service" in result.stderr
    assert "destroy task" not in result.stderr and "destroy ecr" not in result.stderr
    assert aws_cli(rehearsal.admin_env, "ecr", "describe-repositories")["repositories"] != []
    assert rehearsal.step("ecs-check.sh").outputs["service_exists"] == "true"

    rehearsal.step("destroy.sh")
    assert aws_cli(rehearsal.admin_env, "ecr", "describe-repositories")["repositories"] == []
