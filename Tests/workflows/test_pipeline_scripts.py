"""Each pipeline script on its own, against the AWS emulator (no Terraform): the decisions the workflows rely on."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fakehttp import JSONHandler, serving  # noqa: E402 (on the path workflow_support sets)
from workflow_support import ACCOUNT, REGION, REPO, aws_cli, docker_calls, run, state_backend

TASK_DEFINITION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/fargate-auto-scaled-backend:3"
SCRIPTS = sorted(path.name for path in (REPO / "scripts" / "pipeline").glob("*.sh"))


# MARK: - every script


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_explains_usage(script: str) -> None:
    """Every script answers --help with its usage on stdout and exit 0."""
    result = run(script, "--help", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Usage: scripts/pipeline/")


@pytest.mark.parametrize("script", SCRIPTS)
def test_unknown_option_is_refused(script: str) -> None:
    """A typo in a workflow's arguments stops the step instead of being ignored."""
    result = run(script, "--no-such-option", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 2, (result.stdout, result.stderr)


# MARK: - image-tag.sh


@pytest.fixture
def source_tree(tmp_path: Path) -> Path:
    """A small stand-in for the repository: the image inputs plus a file that is not one."""
    root = tmp_path / "src"
    for relative, content in {
        "Dockerfile": "FROM scratch\n",
        ".dockerignore": ".build\n",
        "Package.swift": "// swift-tools-version:6.0\n",
        "Sources/FCGIApp/main.swift": "print(1)\n",
        "nginx/nginx.conf.template": "events {}\n",
        "scripts/entrypoint.sh": "#!/bin/sh\n",
        "scripts/entrypoint.d/10-validate.sh": "#!/bin/sh\n",
        "README.md": "docs\n",
        "terraform/task/main.tf": "# not an image input\n",
    }.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (root / "scripts/entrypoint.sh").chmod(0o755)
    return root


def image_tag(tree: Path) -> str:
    # FROM scratch: no base image to resolve, so no docker (base images: test_image_inputs.py).
    env = {"PATH": "/usr/bin:/bin", "DOCKER_BUILD_PLATFORM": "linux/amd64"}
    result = run("image-tag.sh", "--source-dir", str(tree), env=env)
    assert result.code == 0, result.stderr
    return result.outputs["image_tag"]


def test_image_tag_is_a_stable_hash_of_the_image_inputs(source_tree: Path) -> None:
    """Same inputs, same tag; the tag is a valid ECR tag."""
    tag = image_tag(source_tree)
    assert tag == image_tag(source_tree)
    assert tag.startswith("src-") and len(tag) == 24


def test_image_tag_ignores_files_the_image_does_not_use(source_tree: Path) -> None:
    """Docs and Terraform changes do not produce a new image (and so no deployment)."""
    before = image_tag(source_tree)
    (source_tree / "README.md").write_text("changed\n")
    (source_tree / "terraform/task/main.tf").write_text("# changed\n")
    assert image_tag(source_tree) == before


@pytest.mark.parametrize(
    "change",
    ["edit source", "add source", "edit nginx", "edit entrypoint drop-in", "edit Dockerfile", "chmod entrypoint"],
)
def test_image_tag_changes_with_any_image_input(source_tree: Path, change: str) -> None:
    """Any change to what the image is built from gives a new tag."""
    before = image_tag(source_tree)
    match change:
        case "edit source":
            (source_tree / "Sources/FCGIApp/main.swift").write_text("print(2)\n")
        case "add source":
            (source_tree / "Sources/FCGIApp/Extra.swift").write_text("\n")
        case "edit nginx":
            (source_tree / "nginx/nginx.conf.template").write_text("events { }\n")
        case "edit entrypoint drop-in":
            (source_tree / "scripts/entrypoint.d/10-validate.sh").write_text("#!/bin/sh\nexit 0\n")
        case "edit Dockerfile":
            (source_tree / "Dockerfile").write_text("FROM scratch\nUSER 1\n")
        case "chmod entrypoint":
            (source_tree / "scripts/entrypoint.sh").chmod(0o644)
    assert image_tag(source_tree) != before


# MARK: - ensure-image.sh


@pytest.fixture
def repository(aws: dict[str, str]) -> str:
    answer = aws_cli(aws, "ecr", "create-repository", "--repository-name", "fargate-auto-scaled-backend")
    return answer["repository"]["repositoryUri"]


def test_ensure_image_builds_and_pushes_a_missing_tag(aws: dict[str, str], repository: str, source_tree: Path) -> None:
    """A tag ECR does not have is built, pushed, and reported by digest."""
    result = run(
        "ensure-image.sh", "--repository-url", repository, "--tag", "src-1", "--source-dir", str(source_tree), env=aws
    )
    assert result.code == 0, result.stderr
    assert result.outputs["built"] == "true"
    digest = aws_cli(aws, "ecr", "describe-images", "--repository-name", "fargate-auto-scaled-backend")["imageDetails"][
        0
    ]["imageDigest"]
    assert result.outputs["image_uri"] == f"{repository}@{digest}"
    calls = docker_calls(aws)
    assert [call.split()[0] for call in calls] == ["build", "login", "push"]
    assert f"--tag {repository}:src-1" in calls[0] and calls[0].endswith(str(source_tree))
    assert calls[2] == f"push {repository}:src-1"


def test_ensure_image_skips_the_build_when_ecr_has_the_tag(
    aws: dict[str, str], repository: str, source_tree: Path
) -> None:
    """The second run for the same tag builds nothing and reports the same image."""
    first = run(
        "ensure-image.sh", "--repository-url", repository, "--tag", "src-1", "--source-dir", str(source_tree), env=aws
    )
    calls = len(docker_calls(aws))
    second = run(
        "ensure-image.sh", "--repository-url", repository, "--tag", "src-1", "--source-dir", str(source_tree), env=aws
    )
    assert second.code == 0, second.stderr
    assert second.outputs == {"image_uri": first.outputs["image_uri"], "built": "false"}
    assert len(docker_calls(aws)) == calls
    assert "no build" in second.stderr


def test_ensure_image_gives_each_tag_its_own_digest(aws: dict[str, str], repository: str, source_tree: Path) -> None:
    """A new tag means a new image reference, which is what changes the task definition."""
    one = run(
        "ensure-image.sh", "--repository-url", repository, "--tag", "src-1", "--source-dir", str(source_tree), env=aws
    )
    two = run(
        "ensure-image.sh", "--repository-url", repository, "--tag", "src-2", "--source-dir", str(source_tree), env=aws
    )
    assert one.outputs["image_uri"] != two.outputs["image_uri"]


def test_ensure_image_stops_on_a_missing_repository(aws: dict[str, str], source_tree: Path) -> None:
    """An ECR error other than "no such tag" fails the step instead of triggering a build."""
    url = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/missing"
    result = run(
        "ensure-image.sh", "--repository-url", url, "--tag", "src-1", "--source-dir", str(source_tree), env=aws
    )
    assert result.code == 1
    assert "RepositoryNotFoundException" in result.stderr
    assert docker_calls(aws) == []


def test_ensure_image_before_init_says_to_run_init(aws: dict[str, str]) -> None:
    """Deploy on a stack that was never created: the ecr root has no repository_url output."""
    result = run("ensure-image.sh", "--repository-url", "", "--tag", "src-1", env=aws)
    assert result.code == 1 and "run the Init workflow first" in result.stderr


@pytest.mark.parametrize("url", ["not-a-url", "registry/UPPER"])
def test_ensure_image_rejects_a_malformed_repository_url(aws: dict[str, str], url: str) -> None:
    result = run("ensure-image.sh", "--repository-url", url, "--tag", "src-1", env=aws)
    assert result.code == 1 and "REGISTRY/NAME" in result.stderr


# MARK: - task-definition-changed.sh


def test_same_task_definition_means_no_deployment() -> None:
    result = run(
        "task-definition-changed.sh",
        "--current",
        TASK_DEFINITION,
        "--new",
        TASK_DEFINITION,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert (result.code, result.outputs) == (0, {"deploy": "false"})


def test_new_task_definition_revision_means_deployment() -> None:
    new = TASK_DEFINITION.replace(":3", ":4")
    result = run(
        "task-definition-changed.sh", "--current", TASK_DEFINITION, "--new", new, env={"PATH": "/usr/bin:/bin"}
    )
    assert (result.code, result.outputs) == (0, {"deploy": "true"})


def test_deploy_without_a_service_says_to_run_init() -> None:
    result = run("task-definition-changed.sh", "--current", "", "--new", TASK_DEFINITION, env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1 and "run the Init workflow first" in result.stderr


def test_task_definition_comparison_rejects_non_arns() -> None:
    result = run(
        "task-definition-changed.sh", "--current", TASK_DEFINITION, "--new", "family:4", env={"PATH": "/usr/bin:/bin"}
    )
    assert result.code == 1 and "not a task definition ARN" in result.stderr


# MARK: - render-appspec.sh


def test_appspec_names_task_definition_container_and_port() -> None:
    """The AppSpec is CodeDeploy's documented ECS layout with our container and port."""
    result = run("render-appspec.sh", "--task-definition-arn", TASK_DEFINITION, env={"PATH": "/usr/bin:/bin"})
    assert result.code == 0, result.stderr
    appspec = yaml.safe_load(result.stdout)
    assert appspec == {
        "version": 0.0,
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": TASK_DEFINITION,
                        "LoadBalancerInfo": {"ContainerName": "app", "ContainerPort": 3000},
                    },
                }
            }
        ],
    }


def test_appspec_carries_the_network_configuration() -> None:
    """A CODE_DEPLOY service refuses network changes in UpdateService, so the service root's subnets and tasks
    security group reach the service through the AppSpec's NetworkConfiguration (CodeDeploy's ECS layout)."""
    result = run(
        "render-appspec.sh",
        "--task-definition-arn",
        TASK_DEFINITION,
        "--subnets",
        "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
        "--security-groups",
        "sg-0123456789abcdef0",
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.code == 0, result.stderr
    properties = yaml.safe_load(result.stdout)["Resources"][0]["TargetService"]["Properties"]
    assert properties["NetworkConfiguration"] == {
        "AwsvpcConfiguration": {
            "Subnets": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
            "SecurityGroups": ["sg-0123456789abcdef0"],
            "AssignPublicIp": "DISABLED",
        }
    }
    assert properties["TaskDefinition"] == TASK_DEFINITION


@pytest.mark.parametrize(
    "args",
    [
        ["--subnets", "subnet-0aaaaaaaaaaaaaaaa"],
        ["--security-groups", "sg-0123456789abcdef0"],
        ["--subnets", "subnet-0aaaaaaaaaaaaaaaa,\nx: y", "--security-groups", "sg-0123456789abcdef0"],
        ["--subnets", "subnet-0aaaaaaaaaaaaaaaa", "--security-groups", "sg-1,sg-2,sg-3,sg-4,sg-5,sg-6"],
        ["--subnets", "", "--security-groups", "sg-0123456789abcdef0"],
    ],
)
def test_appspec_refuses_partial_or_malformed_network_configuration(args: list[str]) -> None:
    """Subnets without security groups would put the tasks in the VPC's default group; both or neither."""
    result = run("render-appspec.sh", "--task-definition-arn", TASK_DEFINITION, *args, env={"PATH": "/usr/bin:/bin"})
    assert result.code in (1, 2) and result.stdout == "", (result.code, result.stdout, result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["--task-definition-arn", "arn:aws:ecs:eu-west-2:1:task-definition/x"],
        ["--task-definition-arn", TASK_DEFINITION, "--container-port", "70000"],
        ["--task-definition-arn", TASK_DEFINITION, "--container-name", 'app"\nx: y'],
    ],
)
def test_appspec_rejects_values_that_would_change_its_meaning(args: list[str]) -> None:
    result = run("render-appspec.sh", *args, env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1 and result.stdout == ""


# MARK: - ecs-check.sh


def test_ecs_check_reports_a_missing_cluster_as_no_service(aws: dict[str, str]) -> None:
    result = run("ecs-check.sh", "--cluster", "nope", "--service", "nope", env=aws)
    assert result.code == 0, result.stderr
    assert result.outputs["service_exists"] == "false"
    assert result.outputs["task_definition_arn"] == ""


def test_ecs_check_reports_the_running_task_definition(aws: dict[str, str]) -> None:
    """An existing service: exists, with the task definition it runs now."""
    arn = create_service(aws)
    result = run("ecs-check.sh", "--cluster", "c", "--service", "s", env=aws)
    assert result.code == 0, result.stderr
    assert result.outputs["service_exists"] == "true"
    assert result.outputs["task_definition_arn"] == arn
    missing = run("ecs-check.sh", "--cluster", "c", "--service", "other", env=aws)
    assert missing.outputs["service_exists"] == "false"


def test_ecs_check_writes_github_outputs(aws: dict[str, str], tmp_path: Path) -> None:
    """Inside Actions the outputs go to $GITHUB_OUTPUT, not stdout."""
    output = tmp_path / "github_output"
    result = run("ecs-check.sh", "--cluster", "nope", "--service", "nope", env=dict(aws, GITHUB_OUTPUT=str(output)))
    assert result.code == 0 and result.stdout == ""
    assert "service_exists=false" in output.read_text().splitlines()


def test_ecs_check_stops_when_aws_cannot_be_asked(aws: dict[str, str]) -> None:
    """No answer from AWS is an error, never "the service is missing" (which would make Init create a stack)."""
    result = run(
        "ecs-check.sh",
        "--cluster",
        "c",
        "--service",
        "s",
        env=dict(aws, AWS_ENDPOINT_URL="http://127.0.0.1:1", AWS_MAX_ATTEMPTS="1"),
    )
    assert result.code == 1 and "describe-services failed" in result.stderr


# MARK: - create-deployment.sh and watch-deployment.sh


def create_service(aws: dict[str, str], cluster: str = "c", service: str = "s") -> str:
    """An ECS service (in moto it never runs tasks); returns its task definition ARN."""
    aws_cli(aws, "ecs", "create-cluster", "--cluster-name", cluster)
    arn = aws_cli(
        aws,
        "ecs",
        "register-task-definition",
        "--family",
        "f",
        "--container-definitions",
        json.dumps([{"name": "app", "image": "x", "memory": 128}]),
    )["taskDefinition"]["taskDefinitionArn"]
    aws_cli(
        aws,
        "ecs",
        "create-service",
        "--cluster",
        cluster,
        "--service-name",
        service,
        "--task-definition",
        arn,
        "--desired-count",
        "0",
    )
    return arn


def create_group(aws: dict[str, str], *extra: str) -> tuple[str, str]:
    """A CodeDeploy ECS blue/green group "app"/"group" for service c/s; extra arguments go to
    create-deployment-group (deployment configuration, blue/green options, automatic rollback)."""
    create_service(aws)
    aws_cli(aws, "deploy", "create-application", "--application-name", "app", "--compute-platform", "ECS")
    aws_cli(
        aws,
        "deploy",
        "create-deployment-group",
        "--application-name",
        "app",
        "--deployment-group-name",
        "group",
        "--service-role-arn",
        f"arn:aws:iam::{ACCOUNT}:role/codedeploy",
        "--deployment-style",
        "deploymentType=BLUE_GREEN,deploymentOption=WITH_TRAFFIC_CONTROL",
        "--ecs-services",
        "clusterName=c,serviceName=s",
        *extra,
    )
    return "app", "group"


@pytest.fixture
def deployment_group(aws: dict[str, str]) -> tuple[str, str]:
    """A CodeDeploy ECS blue/green group for service c/s, without automatic rollback."""
    return create_group(aws)


# The service root's group: rollback on failure (terraform/service/main.tf auto_rollback_configuration).
ROLLBACK_ON_FAILURE = (
    "--auto-rollback-configuration",
    "enabled=true,events=DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_ALARM",
)


def blue_green(termination_minutes: int, ready: str = "actionOnTimeout=CONTINUE_DEPLOYMENT") -> tuple[str, str]:
    return (
        "--blue-green-deployment-configuration",
        json.dumps(
            {
                "deploymentReadyOption": dict(item.split("=") for item in ready.split(","))
                | ({"waitTimeInMinutes": int(ready.rsplit("=", 1)[1])} if "waitTimeInMinutes" in ready else {}),
                "terminateBlueInstancesOnDeploymentSuccess": {
                    "action": "TERMINATE",
                    "terminationWaitTimeInMinutes": termination_minutes,
                },
            }
        ),
    )


def deployments_of(aws: dict[str, str]) -> list[dict]:
    """Every deployment of app/group, oldest first (reading them moves the test double on by one poll)."""
    ids = aws_cli(aws, "deploy", "list-deployments", "--application-name", "app", "--deployment-group-name", "group")[
        "deployments"
    ]
    infos = aws_cli(aws, "deploy", "batch-get-deployments", "--deployment-ids", *ids)["deploymentsInfo"] if ids else []
    return sorted(infos, key=lambda info: info["createTime"])


def deploy(aws: dict[str, str], group: tuple[str, str], *extra: str):
    return run(
        "create-deployment.sh",
        "--application",
        group[0],
        "--deployment-group",
        group[1],
        "--task-definition-arn",
        TASK_DEFINITION,
        "--interval",
        "1",
        *extra,
        env=aws,
    )


def test_deployment_carries_the_tasks_network_configuration(
    aws: dict[str, str], deployment_group: tuple[str, str], emulator
) -> None:
    """--subnets/--security-groups reach the AppSpec's NetworkConfiguration: the only way a CODE_DEPLOY service
    takes new subnets or a new security group."""
    emulator.deployments_will("Succeeded", after_polls=1)
    subnets, group = "subnet-0123456789abcdef0,subnet-0fedcba9876543210", "sg-0123456789abcdef0"
    result = deploy(aws, deployment_group, "--timeout", "30", "--subnets", subnets, "--security-groups", group)
    assert result.code == 0, result.stderr
    info = aws_cli(aws, "deploy", "get-deployment", "--deployment-id", result.outputs["deployment_id"])[
        "deploymentInfo"
    ]
    appspec = yaml.safe_load(info["revision"]["appSpecContent"]["content"])
    network = appspec["Resources"][0]["TargetService"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["Subnets"] == subnets.split(",") and network["SecurityGroups"] == [group]
    assert network["AssignPublicIp"] == "DISABLED"


def test_deployment_is_created_with_the_appspec_and_watched_to_success(
    aws: dict[str, str], deployment_group: tuple[str, str], emulator
) -> None:
    """Succeeded after a few polls: exit 0, the deployment id as output, the AppSpec as its revision."""
    emulator.deployments_will("Succeeded", after_polls=3)
    result = deploy(aws, deployment_group, "--timeout", "30")
    assert result.code == 0, result.stderr
    deployment_id = result.outputs["deployment_id"]
    info = aws_cli(aws, "deploy", "get-deployment", "--deployment-id", deployment_id)["deploymentInfo"]
    assert info["status"] == "Succeeded"
    revision = info["revision"]
    assert revision["revisionType"] == "AppSpecContent"
    appspec = yaml.safe_load(revision["appSpecContent"]["content"])
    assert appspec["Resources"][0]["TargetService"]["Properties"]["TaskDefinition"] == TASK_DEFINITION
    assert "InProgress" in result.stderr and "Succeeded" in result.stderr
    # The test double leaves the service on the new task definition, as a finished deployment does.
    check = run("ecs-check.sh", "--cluster", "c", "--service", "s", env=aws)
    assert check.outputs["task_definition_arn"] == TASK_DEFINITION


@pytest.mark.parametrize("status", ["Failed", "Stopped"])
def test_a_failed_or_stopped_deployment_fails_with_codedeploys_error(
    aws: dict[str, str], deployment_group: tuple[str, str], emulator, status: str
) -> None:
    emulator.deployments_will(status, after_polls=2, code="HEALTH_CONSTRAINTS", message="tasks failed the health check")
    result = deploy(aws, deployment_group, "--timeout", "30")
    assert result.code == 1
    assert f"{status}: HEALTH_CONSTRAINTS: tasks failed the health check" in result.stderr
    check = run("ecs-check.sh", "--cluster", "c", "--service", "s", env=aws)
    assert check.outputs["task_definition_arn"] != TASK_DEFINITION


def test_a_deployment_that_never_ends_fails_at_the_timeout(
    aws: dict[str, str], deployment_group: tuple[str, str], emulator
) -> None:
    """moto's own behaviour (status Created forever) stands for a stuck deployment: bounded, then stopped
    with a rollback request (so the next Deploy is not refused), and exit 1."""
    emulator.deployments_never_progress()
    started = time.monotonic()
    result = deploy(aws, deployment_group, "--timeout", "3", "--rollback-timeout", "2")
    elapsed = time.monotonic() - started
    assert result.code == 1
    assert "still Created after 3s; stopped it and asked CodeDeploy to roll back" in result.stderr
    assert elapsed < 30, "the watcher must stop at its deadline"
    deployment_id = re.search(r"deployment (\S+) still", result.stderr).group(1)
    info = aws_cli(aws, "deploy", "get-deployment", "--deployment-id", deployment_id)["deploymentInfo"]
    assert info["status"] == "Stopped"
    rollback_id = info["rollbackInfo"]["rollbackDeploymentId"]
    # The rollback never progresses either (no control file): followed for --rollback-timeout, then reported.
    assert f"rollback {rollback_id} still Created after 2s" in result.stderr


def test_a_failed_deployment_is_followed_until_its_rollback_ends(aws: dict[str, str], emulator) -> None:
    """CodeDeploy rolls a failed deployment back with a deployment of its own; the job ends only after it, so
    the next Deploy does not meet it, and says how it ended."""
    group = create_group(aws, *ROLLBACK_ON_FAILURE)
    emulator.control.write_text(
        json.dumps({"status": "Failed", "afterPolls": 2, "rollback": {"status": "Succeeded", "afterPolls": 3}})
    )
    result = deploy(aws, group, "--timeout", "30")
    assert result.code == 1
    failed, rollback = deployments_of(aws)
    assert rollback["creator"] == "codeDeployRollback"
    assert rollback["status"] == "Succeeded", "the watcher returned before the rollback ended"
    assert f"rollback {rollback['deploymentId']} restored the previous revision" in result.stderr
    assert failed["rollbackInfo"]["rollbackDeploymentId"] == rollback["deploymentId"]


def test_a_failed_rollback_is_reported(aws: dict[str, str], emulator) -> None:
    group = create_group(aws, *ROLLBACK_ON_FAILURE)
    emulator.control.write_text(
        json.dumps({"status": "Failed", "afterPolls": 1, "rollback": {"status": "Failed", "afterPolls": 2}})
    )
    result = deploy(aws, group, "--timeout", "30")
    assert result.code == 1
    assert re.search(r"its rollback \S+ is Failed: check the service", result.stderr), result.stderr


def test_a_deploy_while_a_deployment_runs_names_it_instead_of_failing_in_codedeploy(
    aws: dict[str, str], deployment_group: tuple[str, str], emulator
) -> None:
    """A cancelled job leaves its deployment running; CodeDeploy refuses a second one
    (DeploymentLimitExceededException). Deploy says which deployment runs and what to do, and creates none."""
    emulator.deployments_never_progress()
    running = aws_cli(
        aws,
        "deploy",
        "create-deployment",
        "--application-name",
        "app",
        "--deployment-group-name",
        "group",
        "--description",
        "left by a cancelled job",
    )["deploymentId"]
    result = deploy(aws, deployment_group, "--timeout", "5")
    assert result.code == 1
    assert f"deployment {running} is Created (created by user, left by a cancelled job)" in result.stderr
    assert "already has a deployment in progress" in result.stderr
    assert "aws deploy stop-deployment --deployment-id ID --auto-rollback-enabled" in result.stderr
    assert "DeploymentLimitExceededException" not in result.stderr
    assert [info["deploymentId"] for info in deployments_of(aws)] == [running]


def test_watching_an_unknown_deployment_fails(aws: dict[str, str]) -> None:
    result = run("watch-deployment.sh", "--deployment-id", "d-ABCDEF123", "--timeout", "5", "--interval", "1", env=aws)
    assert result.code == 1 and "cannot read deployment d-ABCDEF123" in result.stderr


# MARK: - smoke-test.sh


class FlakyHost(JSONHandler):
    """Answers /dev/host with 503 for the first `failures` requests, then the app's /host body."""

    failures = 0
    body = {"message": "Request handled by backend at 2024-09-25T12:28:17.593Z", "imageUri": "i", "hostname": "h"}
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).seen.append(self.path)
        if self.path != "/dev/host":
            status, payload = 404, {"error": "not found"}
        elif len(self.seen) <= self.failures:
            status, payload = 503, {"message": "Service Unavailable"}
        else:
            status, payload = 200, self.body
        self.send_json(status, payload)


@pytest.fixture
def host_server() -> Iterator[tuple[str, type[FlakyHost]]]:
    handler = type("Handler", (FlakyHost,), {"seen": [], "failures": 0})
    with serving(handler) as base:
        yield f"{base}/dev", handler


def test_smoke_test_retries_until_the_api_answers(host_server: tuple[str, type[FlakyHost]]) -> None:
    """A stack that is still coming up (503s) passes once /host answers, without a fixed sleep."""
    url, handler = host_server
    handler.failures = 2
    result = run("smoke-test.sh", "--url", url, "--deadline", "30", "--interval", "1", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["message"].startswith("Request handled by backend")
    assert handler.seen == ["/dev/host"] * 3


def test_smoke_test_fails_at_its_deadline_with_the_last_answer(host_server: tuple[str, type[FlakyHost]]) -> None:
    url, handler = host_server
    handler.failures = 1000
    started = time.monotonic()
    result = run("smoke-test.sh", "--url", url, "--deadline", "2", "--interval", "1", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1
    assert "within 2s" in result.stderr and "503" in result.stderr
    assert time.monotonic() - started < 20


def test_smoke_test_wants_the_apps_answer_not_just_200(host_server: tuple[str, type[FlakyHost]]) -> None:
    """A 200 from something else (e.g. a default page) is not a working API."""
    url, handler = host_server
    handler.body = {"status": "ok"}
    result = run("smoke-test.sh", "--url", url, "--deadline", "1", "--interval", "1", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1


# MARK: - destroy.sh


def test_destroy_refuses_an_unknown_root_before_touching_anything() -> None:
    result = run("destroy.sh", "service", "bootstrap", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1 and "unknown root 'bootstrap'" in result.stderr


def test_terraform_root_refuses_a_path_as_root() -> None:
    result = run("terraform-root.sh", "apply", "../bootstrap", env={"PATH": os.environ["PATH"]})
    assert result.code == 1 and "plain directory name" in result.stderr


# MARK: - terraform-root.sh against a state in the emulator's S3


STATE_BUCKET = "scripts-tfstate"
UNREADABLE_STATE = Path(__file__).resolve().parent / "fakes" / "unreadable-state"


@pytest.fixture
def probe_root(aws: dict[str, str], emulator, tmp_path: Path) -> dict[str, str]:
    """A Terraform directory with one root, `probe`, holding one terraform_data resource (built into
    Terraform: no provider to install), its state in the emulator's S3; returns the environment for
    terraform-root.sh."""
    terraform = tmp_path / "terraform"
    (terraform / "probe").mkdir(parents=True)
    (terraform / "probe" / "main.tf").write_text(
        'terraform {\n  backend "s3" {}\n}\n\nresource "terraform_data" "this" {}\n'
    )
    (terraform / "config.tfvars").write_text(f'aws_region = "{REGION}"\n')
    backend = state_backend(aws, emulator.endpoint, STATE_BUCKET, tmp_path / "backend.hcl")
    return dict(aws, TERRAFORM_DIR=str(terraform), TF_BACKEND_CONFIG=str(backend), TF_CLI_CONFIG_FILE="/dev/null")


def test_destroy_skips_a_root_whose_state_is_empty(probe_root: dict[str, str]) -> None:
    """Never applied (or already destroyed): the state reads as empty, so a re-run of Destroy passes it."""
    result = run("terraform-root.sh", "destroy", "probe", env=probe_root)
    assert result.code == 0, result.stderr
    assert "probe has no resources in its state: nothing to destroy" in result.stderr


def test_destroy_destroys_a_root_with_resources(probe_root: dict[str, str]) -> None:
    assert run("terraform-root.sh", "apply", "probe", env=probe_root).code == 0
    result = run("terraform-root.sh", "destroy", "probe", env=probe_root)
    assert result.code == 0, result.stderr
    assert "destroy probe" in result.stderr and "nothing to destroy" not in result.stderr
    assert "nothing to destroy" in run("terraform-root.sh", "destroy", "probe", env=probe_root).stderr


def test_destroy_fails_on_a_state_it_cannot_read(probe_root: dict[str, str]) -> None:
    """A state read that fails after init (S3 refusing it, a timeout) is not an empty root: Destroy must stop
    there, or it goes on to delete the roots this one depends on (network, task, ECR) under a running service."""
    assert run("terraform-root.sh", "apply", "probe", env=probe_root).code == 0
    env = dict(probe_root, PATH=f"{UNREADABLE_STATE}{os.pathsep}{probe_root['PATH']}")
    result = run("terraform-root.sh", "destroy", "probe", env=env)
    assert result.code == 1, result.stderr
    assert "cannot read the state of probe" in result.stderr
    assert "nothing to destroy" not in result.stderr


# MARK: - deployment-budget.sh and the watcher's deadline


def budget(aws: dict[str, str], *extra: str) -> dict[str, int]:
    result = run("deployment-budget.sh", "--application", "app", "--deployment-group", "group", *extra, env=aws)
    assert result.code == 0, result.stderr
    return {key: int(value) for key, value in result.outputs.items()}


def test_budget_covers_a_linear_shift_and_the_termination_wait(aws: dict[str, str]) -> None:
    """ECSLinear10PercentEvery3Minutes shifts 10 % every 3 minutes (ten steps) and the group keeps the old
    tasks 60 minutes after: Succeeded comes after both, so the watch and the job must outlast them (the old
    fixed 1800 s watch did not)."""
    create_group(
        aws,
        "--deployment-config-name",
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        *blue_green(termination_minutes=60),
    )
    sized = budget(aws, "--startup-minutes", "20")
    shift_and_wait = (10 * 3 + 60) * 60
    assert sized["watch_timeout_seconds"] >= shift_and_wait + 20 * 60
    assert sized["job_timeout_minutes"] * 60 > sized["watch_timeout_seconds"]


def test_budget_grows_with_the_ready_wait_and_shrinks_for_all_at_once(aws: dict[str, str]) -> None:
    create_group(aws, "--deployment-config-name", "CodeDeployDefault.ECSAllAtOnce", *blue_green(termination_minutes=5))
    quick = budget(aws)
    aws_cli(
        aws,
        "deploy",
        "update-deployment-group",
        "--application-name",
        "app",
        "--current-deployment-group-name",
        "group",
        *blue_green(termination_minutes=5, ready="actionOnTimeout=STOP_DEPLOYMENT,waitTimeInMinutes=30"),
    )
    waiting = budget(aws)
    assert waiting["watch_timeout_seconds"] - quick["watch_timeout_seconds"] == 30 * 60


def test_budget_fits_githubs_job_limit_by_leaving_the_termination_wait_to_codedeploy(aws: dict[str, str]) -> None:
    """termination_wait_minutes may be 2880 (48 h); a GitHub-hosted job ends after 6 h. The watch is cut to fit
    (the watcher then leaves a fully shifted deployment running) and says so."""
    create_group(
        aws,
        "--deployment-config-name",
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        *blue_green(termination_minutes=2880),
    )
    result = run("deployment-budget.sh", "--application", "app", "--deployment-group", "group", env=aws)
    assert result.code == 0, result.stderr
    assert int(result.outputs["job_timeout_minutes"]) <= 360
    assert int(result.outputs["watch_timeout_seconds"]) >= (15 + 20) * 60
    assert "termination wait is left to CodeDeploy" in result.stderr


def test_budget_refuses_a_group_that_cannot_shift_within_a_job(aws: dict[str, str]) -> None:
    create_group(
        aws,
        "--deployment-config-name",
        "CodeDeployDefault.ECSAllAtOnce",
        *blue_green(termination_minutes=0, ready="actionOnTimeout=STOP_DEPLOYMENT,waitTimeInMinutes=400"),
    )
    result = run("deployment-budget.sh", "--application", "app", "--deployment-group", "group", env=aws)
    assert result.code == 1 and "before its traffic has shifted" in result.stderr


def test_budget_of_a_missing_group_is_a_clear_error(aws: dict[str, str]) -> None:
    result = run("deployment-budget.sh", "--application", "app", "--deployment-group", "nope", env=aws)
    assert result.code == 1 and "cannot read deployment group app/nope" in result.stderr


def test_a_fully_shifted_deployment_is_never_stopped_at_the_deadline(
    aws: dict[str, str], deployment_group: tuple[str, str], emulator
) -> None:
    """At the deadline all traffic is on the new tasks and CodeDeploy only waits to terminate the old ones:
    stopping now would roll back a healthy deployment. The watcher leaves it to finish and passes."""
    emulator.control.write_text(
        json.dumps({"status": "Succeeded", "afterPolls": 10_000, "trafficShiftedAfterPolls": 2})
    )
    result = deploy(aws, deployment_group, "--timeout", "3")
    assert result.code == 0, result.stderr
    assert "traffic fully shifted" in result.stderr
    (info,) = deployments_of(aws)
    assert info["status"] == "InProgress" and not info.get("rollbackInfo")


# MARK: - no redeploy of a rolled-back revision


def test_a_rolled_back_revision_is_not_deployed_again_by_an_unrelated_push(aws: dict[str, str], emulator) -> None:
    """After a rollback the service runs N while the task root still holds the failed N+1. The next push (a
    README change: same image, same task definition) must not deploy N+1 again, and says why."""
    group = create_group(aws, *ROLLBACK_ON_FAILURE)
    current = run("ecs-check.sh", "--cluster", "c", "--service", "s", env=aws).outputs["task_definition_arn"]
    emulator.deployments_will(
        "Failed", after_polls=1, code="HEALTH_CONSTRAINTS", message="tasks failed the health check"
    )
    assert deploy(aws, group, "--timeout", "30").code == 1
    failed = next(info for info in deployments_of(aws) if info["creator"] == "user")

    decision = run(
        "task-definition-changed.sh",
        "--current",
        current,
        "--new",
        TASK_DEFINITION,
        "--application",
        "app",
        "--deployment-group",
        "group",
        env=aws,
    )
    assert (decision.code, decision.outputs) == (0, {"deploy": "false"}), decision.stderr
    assert f"was deployed in {failed['deploymentId']}" in decision.stderr
    assert "ended Failed: HEALTH_CONSTRAINTS: tasks failed the health check" in decision.stderr

    retry = run(
        "task-definition-changed.sh",
        "--current",
        current,
        "--new",
        TASK_DEFINITION,
        "--application",
        "app",
        "--deployment-group",
        "group",
        "--retry-rolled-back",
        env=aws,
    )
    assert retry.outputs == {"deploy": "true"}
    newer = TASK_DEFINITION.replace(":3", ":4")
    fixed = run(
        "task-definition-changed.sh",
        "--current",
        current,
        "--new",
        newer,
        "--application",
        "app",
        "--deployment-group",
        "group",
        env=aws,
    )
    assert fixed.outputs == {"deploy": "true"}, "a new revision (the fix) deploys"
    assert "deploy: the service runs" in fixed.stderr


# MARK: - one region


def test_a_region_other_than_terraforms_is_refused(probe_root: dict[str, str]) -> None:
    """The CLI and the state backend follow AWS_REGION, Terraform follows config.tfvars: when they differ the
    pipeline would look for the stack where Terraform did not put it. Stop, naming both."""
    result = run("terraform-root.sh", "apply", "probe", env=dict(probe_root, AWS_REGION="us-east-1"))
    assert result.code == 1
    assert "AWS_REGION is us-east-1 but" in result.stderr and f"deploys to {REGION}" in result.stderr
    assert "init probe" not in result.stderr, "nothing may run in the wrong region"


def test_the_region_defaults_to_terraforms(probe_root: dict[str, str]) -> None:
    env = {key: value for key, value in probe_root.items() if key not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    result = run("terraform-root.sh", "apply", "probe", env=env)
    assert result.code == 0, result.stderr


# MARK: - stale state locks


def plant_lock(aws: dict[str, str], tmp_path: Path, minutes_old: int) -> str:
    """A lock object as Terraform's S3-native locking writes it, left by a job that ended long ago."""
    created = time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(time.time() - minutes_old * 60))
    lock_id = "5c3b8a0e-0000-4000-8000-00000000beef"
    body = tmp_path / "lock.json"
    body.write_text(
        json.dumps(
            {
                "ID": lock_id,
                "Operation": "OperationTypeApply",
                "Info": "",
                "Who": "runner@fv-az1",
                "Version": "1.11.4",
                "Created": created,
                "Path": f"{STATE_BUCKET}/probe.tfstate",
            }
        )
    )
    aws_cli(aws, "s3api", "put-object", "--bucket", STATE_BUCKET, "--key", "probe.tfstate.tflock", "--body", str(body))
    return lock_id


def test_a_stale_lock_fails_at_once_with_the_exact_unlock_command(probe_root: dict[str, str], tmp_path: Path) -> None:
    """A cancelled job's lock would make every later run wait and fail. It is reported at once with the
    command that removes it; nothing is unlocked until that command runs."""
    assert run("terraform-root.sh", "apply", "probe", env=probe_root).code == 0
    lock_id = plant_lock(probe_root, tmp_path, minutes_old=120)
    started = time.monotonic()
    result = run("terraform-root.sh", "apply", "probe", env=probe_root)
    assert result.code == 1
    assert time.monotonic() - started < 60, "a stale lock is not waited for"
    command = f"scripts/pipeline/terraform-root.sh force-unlock probe {lock_id}"
    assert command in result.stderr and "runner@fv-az1" in result.stderr
    assert aws_cli(probe_root, "s3api", "head-object", "--bucket", STATE_BUCKET, "--key", "probe.tfstate.tflock")

    unlocked = run(*command.split()[0].split("/")[-1:], *command.split()[1:], env=probe_root)
    assert unlocked.code == 0, unlocked.stderr
    assert run("terraform-root.sh", "apply", "probe", env=probe_root).code == 0


def test_a_recent_lock_is_waited_for_not_reported_stale(probe_root: dict[str, str], tmp_path: Path) -> None:
    """A lock younger than any job may belong to a run in progress: wait (TF_LOCK_TIMEOUT), never unlock."""
    assert run("terraform-root.sh", "apply", "probe", env=probe_root).code == 0
    plant_lock(probe_root, tmp_path, minutes_old=2)
    result = run("terraform-root.sh", "apply", "probe", env=dict(probe_root, TF_LOCK_TIMEOUT="2s"))
    assert result.code == 1
    assert "waiting up to 2s" in result.stderr and "force-unlock" not in result.stderr
    assert aws_cli(probe_root, "s3api", "head-object", "--bucket", STATE_BUCKET, "--key", "probe.tfstate.tflock")


# MARK: - require-roots-unchanged.sh


def test_deploy_refuses_when_another_root_would_change(probe_root: dict[str, str]) -> None:
    """Deploy applies only the task root; a root whose inputs follow it (the service's port) would be left
    behind. Its plan is checked and Deploy stops, naming what would change and that Init applies it."""
    follower = Path(probe_root["TERRAFORM_DIR"]) / "follower"
    follower.mkdir()
    (follower / "main.tf").write_text(
        'terraform {\n  backend "s3" {}\n}\n\nvariable "port" {\n  type = number\n}\n\n'
        'resource "terraform_data" "this" {\n  input = var.port\n}\n'
    )
    applied = dict(probe_root, TF_VAR_port="3000")
    assert run("terraform-root.sh", "apply", "follower", env=applied).code == 0

    same = run("require-roots-unchanged.sh", "follower", env=applied, timeout=180)
    assert same.code == 0, same.stderr
    assert "the follower root needs no change" in same.stderr

    moved = run("require-roots-unchanged.sh", "follower", env=dict(probe_root, TF_VAR_port="8080"), timeout=180)
    assert moved.code == 1
    assert "the follower root would change: terraform_data.this (update)" in moved.stderr
    assert "run the Init workflow" in moved.stderr
    # Nothing was applied: the state still holds the old input.
    assert json.loads(run("terraform-root.sh", "plan", "follower", env=applied).stdout) == []


# MARK: - the AWS CLI's stderr is not its answer


NOISY_AWS = Path(__file__).resolve().parent / "fakes" / "noisy-aws"


def noisy(env: dict[str, str]) -> dict[str, str]:
    return dict(env, PATH=f"{NOISY_AWS}{os.pathsep}{env['PATH']}")


def test_ecs_check_reads_the_answer_not_the_clis_warnings(aws: dict[str, str]) -> None:
    """A warning on stderr (2>&1 mixed it into the JSON) neither breaks the parse nor hides the answer."""
    arn = create_service(aws)
    result = run("ecs-check.sh", "--cluster", "c", "--service", "s", env=noisy(aws))
    assert result.code == 0, result.stderr
    assert result.outputs["task_definition_arn"] == arn
    assert "a warning on stderr" in result.stderr, "the warning is passed on to the log"
    missing = run("ecs-check.sh", "--cluster", "nope", "--service", "nope", env=noisy(aws))
    assert (missing.code, missing.outputs["service_exists"]) == (0, "false"), missing.stderr


def test_ensure_image_reads_the_digest_not_the_clis_warnings(
    aws: dict[str, str], repository: str, source_tree: Path
) -> None:
    first = run(
        "ensure-image.sh", "--repository-url", repository, "--tag", "src-1", "--source-dir", str(source_tree), env=aws
    )
    again = run(
        "ensure-image.sh",
        "--repository-url",
        repository,
        "--tag",
        "src-1",
        "--source-dir",
        str(source_tree),
        env=noisy(aws),
    )
    assert again.code == 0, again.stderr
    assert again.outputs == {"image_uri": first.outputs["image_uri"], "built": "false"}


# MARK: - confirm-destroy.sh


@pytest.mark.parametrize(
    ("confirm", "ref", "reason"),
    [
        ("destroy", "refs/heads/feature", "runs only from main"),
        ("yes", "refs/heads/main", "type destroy"),
        ("", "refs/heads/main", "type destroy"),
        ("destroy ", "refs/heads/main", "type destroy"),
    ],
)
def test_destroy_needs_main_and_the_typed_word(confirm: str, ref: str, reason: str) -> None:
    result = run("confirm-destroy.sh", "--confirm", confirm, "--ref", ref, env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1 and reason in result.stderr


def test_destroy_confirmed_on_main() -> None:
    result = run(
        "confirm-destroy.sh", "--confirm", "destroy", "--ref", "refs/heads/main", env={"PATH": "/usr/bin:/bin"}
    )
    assert result.code == 0, result.stderr


# MARK: - before the bootstrap and Init


def test_a_push_before_the_bootstrap_says_what_to_run(probe_root: dict[str, str], tmp_path: Path) -> None:
    """No state bucket yet: instead of Terraform's S3 error, what to run (bootstrap, then Init)."""
    backend = tmp_path / "missing-backend.hcl"
    backend.write_text(Path(probe_root["TF_BACKEND_CONFIG"]).read_text().replace(STATE_BUCKET, "no-such-tfstate"))
    result = run("terraform-root.sh", "output", "probe", env=dict(probe_root, TF_BACKEND_CONFIG=str(backend)))
    assert result.code == 1
    assert "the state bucket no-such-tfstate does not exist" in result.stderr
    assert "run the Init workflow first" in result.stderr


def test_a_push_before_init_reads_no_outputs_and_says_to_run_init(probe_root: dict[str, str]) -> None:
    """The bucket exists but Init never ran: the root's outputs are {} and Deploy's image step says Init."""
    outputs = run("terraform-root.sh", "output", "probe", env=probe_root)
    assert (outputs.code, outputs.stdout.strip()) == (0, "{}"), outputs.stderr
    image = run("ensure-image.sh", "--repository-url", "", "--tag", "src-1", env=probe_root)
    assert image.code == 1 and "run the Init workflow first" in image.stderr
