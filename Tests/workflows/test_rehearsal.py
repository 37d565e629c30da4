"""Rehearsal of the Init, Deploy and Destroy workflows against the AWS emulator: the same scripts, in the
workflows' order, on a scratch copy of the repository whose Terraform roots point at the emulator.

1. Init on an empty account; 2. Deploy with no change (no build, no deployment); 3. Deploy after a change to
Sources/ (new tag, new task definition, a deployment created and watched, the smoke test waiting for the new
image); 4. pull request plans as the bootstrap's read-only plan role; 5. Destroy, leaving nothing behind.
Init's and Deploy's steps each get a GITHUB_STEP_SUMMARY, as in Actions, and the tests read what they wrote:
the image digest, each root's outputs, the deployment CodeDeploy's test double created with its console link,
the outcome and the image that answered the smoke test (the values read back from the emulator).

The scripts and Terraform run AS THE DEPLOY ROLE with IAM enforced by the emulator: an administrator applies
the bootstrap root (as a user does by hand), the deploy role is assumed as the workflows do, and from then on a
call the bootstrap policies do not allow fails its step. The tests' own checks sign as the administrator.

Test doubles, each explicit: the GitHub OIDC token (Tests/aws-emulator/emulator.py web_identity_credentials),
Tests/workflows/fakes/docker (builds nothing, registers the pushed tag in the emulator's ECR), Tests/aws-
emulator/patches/codedeploy_deployments.py (drives the deployment to the outcome the test sets), and a local
HTTP server standing in for API Gateway in the smoke test (nothing the emulator reports as an endpoint serves
traffic). The OIDC token double also signs the plan role in. The tests share one stack and run in file order.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from fakehttp import JSONHandler, serving  # noqa: E402 (on the path workflow_support sets)
from workflow_support import (
    REGION,
    REPO,
    Result,
    WorkflowEmulator,
    aws_cli,
    console_link,
    docker_calls,
    run,
    scripts_env,
)

TERRAFORM_TESTS = REPO / "Tests" / "terraform"
sys.path.insert(0, str(TERRAFORM_TESTS))
import aws_rules  # noqa: E402 (the one owner of IAM's quota rules)

ROOTS = ["ecr", "task", "service", "network"]
# Roots that read another root's state: data source name and the variable holding its key.
REMOTE_STATES = {"service": ("task", "task_state_key"), "network": ("service", "service_state_key")}
STATE_BUCKET = "rehearsal-tfstate"
VPC_NAME = "private-vpc"  # terraform/config.tfvars private_vpc_name
STEP_TIMEOUT = 900
PLAN_ROLE = "fargate-auto-scaled-backend-plan"  # the bootstrap's default plan_role_name, <project_name>-plan


@dataclass
class Rehearsal:
    """The scratch repository, its environment and what earlier steps left for later ones."""

    repo: Path
    env: dict[str, str]  # the workflows' environment: signed as the deploy role
    admin_env: dict[str, str]  # for the tests' own checks
    emulator: WorkflowEmulator
    seen: dict[str, str] = field(default_factory=dict)

    def step(self, script: str, *args: str, env: dict[str, str] | None = None) -> Result:
        """Runs one pipeline script of the copy, failing the test with its log if it fails."""
        result = run(script, *args, env=env or self.env, cwd=self.repo, timeout=STEP_TIMEOUT)
        assert result.code == 0, f"{script} {' '.join(args)} failed ({result.code}):\n{result.stderr[-6000:]}"
        return result

    def summarized(self, name: str, script: str, *args: str, env: dict[str, str] | None = None) -> tuple[Result, str]:
        """One step with its own GITHUB_STEP_SUMMARY (GitHub gives each step one); returns the result and the
        summary the step wrote ("" when it wrote none)."""
        summary = self.repo.parent / f"summary-{name}.md"
        summary.unlink(missing_ok=True)
        result = self.step(script, *args, env=dict(env or self.env, GITHUB_STEP_SUMMARY=str(summary)))
        return result, summary.read_text() if summary.exists() else ""

    def outputs(self, root: str) -> dict:
        return json.loads(self.step("terraform-root.sh", "output", root).stdout)

    def deployments(self) -> list[str]:
        """Every CodeDeploy deployment in the account and region."""
        return aws_cli(self.admin_env, "deploy", "list-deployments")["deployments"]


def copy_repository(destination: Path) -> Path:
    """The working tree as git sees it (tracked and new files, not ignored ones, so no .terraform or state)."""
    listed = (
        subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for relative in filter(None, listed):
        source = REPO / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def render(template: str, **values: str) -> str:
    text = (TERRAFORM_TESTS / template).read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def point_terraform_at(emulator: WorkflowEmulator, terraform: Path) -> Path:
    """The Terraform tests' emulator overrides (zz_*_override.tf: provider endpoints and remote-state
    settings) in each root of the copy, and their backend settings; returns the backend file."""
    for root in ["bootstrap", *ROOTS]:
        override = render("emulator_override.tf.tpl", ENDPOINT=emulator.endpoint)
        if root in REMOTE_STATES:
            name, key_var = REMOTE_STATES[root]
            override += render("remote_state_override.tf.tpl", NAME=name, KEY_VAR=key_var, ENDPOINT=emulator.endpoint)
        (terraform / root / "zz_emulator_override.tf").write_text(override)
    backend = terraform / "backend.hcl"
    backend.write_text(render("backend.hcl.tpl", BUCKET=STATE_BUCKET, REGION=REGION, ENDPOINT=emulator.endpoint))
    return backend


def apply_bootstrap(repo: Path, env: dict[str, str]) -> str:
    """The bootstrap root, applied by hand by an administrator (`env`): state bucket and deploy role; returns
    the deploy role's ARN."""
    root = ["terraform", f"-chdir={repo / 'terraform' / 'bootstrap'}"]
    settings = [
        f"-var-file={repo / 'terraform' / 'config.tfvars'}",
        f"-var=state_bucket={STATE_BUCKET}",
        "-var=github_repository=octo-org/fargate-auto-scaled-backend",
    ]
    for command in (
        ["init", "-input=false", "-lockfile=readonly"],
        ["apply", "-input=false", "-auto-approve", *settings],
        ["output", "-raw", "deploy_role_arn"],
    ):
        done = subprocess.run([*root, *command], env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT)
        assert done.returncode == 0, f"bootstrap {command[0]} failed:\n{done.stderr[-4000:]}"
    return done.stdout.strip()


def create_account_prerequisites(env: dict[str, str]) -> None:
    """What the user brings: a VPC with DNS support and hostnames (private DNS of the interface endpoints needs
    both) and private subnets in two zones."""
    vpc = aws_cli(
        env,
        "ec2",
        "create-vpc",
        "--cidr-block",
        "10.55.0.0/16",
        "--tag-specifications",
        f"ResourceType=vpc,Tags=[{{Key=Name,Value={VPC_NAME}}}]",
    )["Vpc"]["VpcId"]
    for attribute in ("--enable-dns-support", "--enable-dns-hostnames"):
        aws_cli(env, "ec2", "modify-vpc-attribute", "--vpc-id", vpc, attribute)
    table = aws_cli(env, "ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
    for index, zone in enumerate("ab"):
        subnet = aws_cli(
            env,
            "ec2",
            "create-subnet",
            "--vpc-id",
            vpc,
            "--cidr-block",
            f"10.55.{index}.0/24",
            "--availability-zone",
            f"{REGION}{zone}",
            "--tag-specifications",
            f"ResourceType=subnet,Tags=[{{Key=Name,Value={VPC_NAME}-private-{zone}}}]",
        )
        aws_cli(
            env, "ec2", "associate-route-table", "--route-table-id", table, "--subnet-id", subnet["Subnet"]["SubnetId"]
        )


@pytest.fixture(scope="module")
def rehearsal(emulator: WorkflowEmulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    tmp = tmp_path_factory.mktemp("rehearsal")
    emulator.reset()
    repo = copy_repository(tmp / "repo")
    env = scripts_env(emulator, tmp / "docker.log")
    env["TF_BACKEND_CONFIG"] = str(point_terraform_at(emulator, repo / "terraform"))
    env["TF_PLUGIN_CACHE_DIR"] = str(tmp / "plugin-cache")
    (tmp / "plugin-cache").mkdir()
    if os.environ.get("TF_CLI_CONFIG_FILE") and Path(os.environ["TF_CLI_CONFIG_FILE"]).is_file():
        env["TF_CLI_CONFIG_FILE"] = os.environ["TF_CLI_CONFIG_FILE"]
    elif Path("/opt/tf-plugins").is_dir():
        # This machine has the AWS provider only in a filesystem mirror (CI on GitHub downloads it).
        config = tmp / "terraform.tfrc"
        config.write_text('provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n')
        env["TF_CLI_CONFIG_FILE"] = str(config)
    create_account_prerequisites(env)
    admin_env = emulator.administrator(env)
    env = emulator.deploy_role(env, apply_bootstrap(repo, admin_env))
    emulator.enforce_iam()
    try:
        yield Rehearsal(repo=repo, env=env, admin_env=admin_env, emulator=emulator)
    finally:
        emulator.enforce_iam(False)


class StandInApi(JSONHandler):
    """Stands in for API Gateway -> ALB -> the app: answers GET /{stage}/host like the app does."""

    stage = "dev"
    image = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == f"/{self.stage}/host":
            status, body = (
                200,
                {
                    "message": "Request handled by backend at 2024-09-25T12:28:17.593Z",
                    "imageUri": self.image,
                    "hostname": "stand-in",
                },
            )
        else:
            status, body = 404, {"error": "not found"}
        self.send_json(status, body)


def smoke_test_through_stand_in(
    rehearsal: Rehearsal, invoke_url: str, image: str, *args: str
) -> tuple[Result, str, str]:
    """smoke-test.sh (with `args`, e.g. --expect-image) against a local server at the invoke URL's path (its
    stage is the app's base path) answering from `image`; returns the result, the step's summary and the URL."""
    stage = urlparse(invoke_url).path.strip("/")
    with serving(type("Api", (StandInApi,), {"stage": stage, "image": image})) as base:
        url = f"{base}/{stage}"
        result, summary = rehearsal.summarized(
            "smoke", "smoke-test.sh", "--url", url, *args, "--deadline", "20", "--interval", "1"
        )
    return result, summary, url


def image_of_task_definition(rehearsal: Rehearsal, arn: str) -> tuple[str, str]:
    """The container's image and the IMAGE its task definition gives it, which the app reports on /host: so
    the stand-in answering with it makes the smoke test check the chain image -> task definition -> /host."""
    container = aws_cli(rehearsal.admin_env, "ecs", "describe-task-definition", "--task-definition", arn)[
        "taskDefinition"
    ]["containerDefinitions"][0]
    reported = {item["name"]: item["value"] for item in container.get("environment", [])}.get("IMAGE", "")
    return container["image"], reported


def build_step(rehearsal: Rehearsal, summary: list[str] | None = None) -> dict[str, str]:
    """code/image: ecr outputs -> build platform (the task root's cpu_architecture) -> image tag -> build and
    push unless ECR has it. With `summary`, the build step's job summary is appended to it."""
    repository_url = rehearsal.outputs("ecr")["repository_url"]
    env = dict(rehearsal.env, DOCKER_BUILD_PLATFORM=rehearsal.step("build-platform.sh").outputs["docker_platform"])
    inputs = rehearsal.step("image-tag.sh", env=env).outputs
    tag = inputs["image_tag"]
    args = ("--repository-url", repository_url, "--tag", tag, "--base-images", inputs["base_images"])
    built, written = rehearsal.summarized("image", "ensure-image.sh", *args, env=env)
    if summary is not None:
        summary.append(written)
    return {"tag": tag, **built.outputs}


def apply_task(rehearsal: Rehearsal, image_uri: str) -> dict:
    rehearsal.step("terraform-root.sh", "apply", "task", env=dict(rehearsal.env, TF_VAR_image_uri=image_uri))
    return rehearsal.outputs("task")


# MARK: - Init


def test_init_on_an_empty_account(rehearsal: Rehearsal) -> None:
    """ecs-check (no service) -> ecr -> initial image -> task -> service -> network -> smoke test."""
    check = rehearsal.step("ecs-check.sh").outputs
    assert check["service_exists"] == "false" and check["task_definition_arn"] == ""

    rehearsal.step("terraform-root.sh", "apply", "ecr")
    image = build_step(rehearsal)
    assert image["built"] == "true"
    _, task_summary = rehearsal.summarized(
        "task", "terraform-root.sh", "apply", "task", env=dict(rehearsal.env, TF_VAR_image_uri=image["image_uri"])
    )
    task = rehearsal.outputs("task")
    assert task_summary.startswith("### Terraform `task`: applied\n")
    assert f"| task_definition_arn | `{task['task_definition_arn']}` |" in task_summary
    assert f"| task_definition_revision | `{task['task_definition_revision']}` |" in task_summary
    rehearsal.step("terraform-root.sh", "apply", "service")
    _, network_summary = rehearsal.summarized("network", "terraform-root.sh", "apply", "network")
    invoke_url = rehearsal.outputs("network")["invoke_url"]
    assert invoke_url.endswith("/dev")
    assert f"| invoke_url | `{invoke_url}` |" in network_summary

    container_image, reported = image_of_task_definition(rehearsal, task["task_definition_arn"])
    assert container_image == image["image_uri"]
    smoke, _, _ = smoke_test_through_stand_in(rehearsal, invoke_url, reported)
    assert json.loads(smoke.stdout.splitlines()[-1])["imageUri"] == image["image_uri"]

    check = rehearsal.step("ecs-check.sh").outputs
    assert check["service_exists"] == "true"
    assert check["task_definition_arn"] == task["task_definition_arn"]
    assert check["codedeploy_app_name"] and check["codedeploy_deployment_group_name"]
    assert [call.split()[0] for call in docker_calls(rehearsal.env)] == ["build", "login", "push"]
    rehearsal.seen.update(
        tag=image["tag"], image_uri=image["image_uri"], task=task["task_definition_arn"], invoke_url=invoke_url
    )


def test_init_again_keeps_the_running_service(rehearsal: Rehearsal) -> None:
    """A second Init finds the service and skips the initial image and task (Deploy owns them)."""
    check = rehearsal.step("ecs-check.sh").outputs
    assert check["service_exists"] == "true"
    assert check["task_definition_arn"] == rehearsal.seen["task"]


# MARK: - Deploy


def test_deploy_without_changes_builds_and_deploys_nothing(rehearsal: Rehearsal) -> None:
    """Same inputs: the tag is in ECR (no build), the task definition is unchanged (no deployment)."""
    calls = len(docker_calls(rehearsal.env))
    image = build_step(rehearsal)
    assert image == {"tag": rehearsal.seen["tag"], "image_uri": rehearsal.seen["image_uri"], "built": "false"}
    task = apply_task(rehearsal, image["image_uri"])
    assert task["task_definition_arn"] == rehearsal.seen["task"]
    check = rehearsal.step("ecs-check.sh").outputs
    decision = rehearsal.step(
        "task-definition-changed.sh", "--current", check["task_definition_arn"], "--new", task["task_definition_arn"]
    ).outputs
    assert decision == {"deploy": "false"}
    assert len(docker_calls(rehearsal.env)) == calls
    assert rehearsal.deployments() == []


def test_deploy_after_a_source_change_deploys_the_new_task_definition(rehearsal: Rehearsal) -> None:
    """A change in Sources/: new tag, new image, new task definition, a deployment created and watched."""
    source = sorted((rehearsal.repo / "Sources").rglob("*.swift"))[0]
    source.write_text(source.read_text() + "\n// rehearsal: a change to the app\n")

    summaries: list[str] = []
    image = build_step(rehearsal, summaries)
    (image_summary,) = summaries
    assert image["built"] == "true"
    assert image["tag"] != rehearsal.seen["tag"] and image["image_uri"] != rehearsal.seen["image_uri"]
    assert image_summary.startswith(f"- **Image**: `{image['image_uri']}` — built and pushed by this run")
    task = apply_task(rehearsal, image["image_uri"])
    assert task["task_definition_arn"] != rehearsal.seen["task"]

    check = rehearsal.step("ecs-check.sh").outputs
    assert check["task_definition_arn"] == rehearsal.seen["task"]
    changed, check_summary = rehearsal.summarized(
        "check",
        "task-definition-changed.sh",
        "--current",
        check["task_definition_arn"],
        "--new",
        task["task_definition_arn"],
        "--application",
        check["codedeploy_app_name"],
        "--deployment-group",
        check["codedeploy_deployment_group_name"],
    )
    assert changed.outputs == {"deploy": "true"}
    assert check_summary == (
        f"- **Task definition**: `{task['task_definition_arn']}` to deploy "
        f"(the service runs `{rehearsal.seen['task']}`)\n"
    )

    rehearsal.emulator.deployments_will("Succeeded", after_polls=2)
    deployed, deploy_summary = rehearsal.summarized(
        "deploy",
        "create-deployment.sh",
        "--application",
        check["codedeploy_app_name"],
        "--deployment-group",
        check["codedeploy_deployment_group_name"],
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
        f"{check['codedeploy_app_name']}/{check['codedeploy_deployment_group_name']}",
        f"- **Outcome**: deployed — {console_link(deployment_id)} Succeeded",
    ]
    info = aws_cli(rehearsal.admin_env, "deploy", "get-deployment", "--deployment-id", deployment_id)["deploymentInfo"]
    assert info["status"] == "Succeeded"
    assert info["deploymentGroupName"] == check["codedeploy_deployment_group_name"]
    properties = yaml.safe_load(info["revision"]["appSpecContent"]["content"])["Resources"][0]["TargetService"]
    assert properties["Properties"] == {
        "TaskDefinition": task["task_definition_arn"],
        "LoadBalancerInfo": {"ContainerName": "app", "ContainerPort": 3000},
    }
    # After the (faked) blue/green switch the service runs the new revision: nothing left to deploy.
    assert rehearsal.step("ecs-check.sh").outputs["task_definition_arn"] == task["task_definition_arn"]

    # The smoke test waits for /host to answer from the deployed image; the stand-in answers with the IMAGE
    # of the task definition the service now runs.
    _, reported = image_of_task_definition(rehearsal, task["task_definition_arn"])
    _, smoke_summary, url = smoke_test_through_stand_in(
        rehearsal, rehearsal.seen["invoke_url"], reported, "--expect-image", image["image_uri"]
    )
    assert smoke_summary.startswith(f"- **API**: `{url}/host` answered 200 from image `{image['image_uri']}`")
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
    _, summary = rehearsal.summarized("plan", "plan-roots.sh", *ROOTS, env=plan_env)
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


# MARK: - Destroy


def test_destroy_leaves_nothing_behind(rehearsal: Rehearsal) -> None:
    """service -> network -> task -> ecr; every state is empty and the AWS APIs list nothing of the stack,
    including the task definition revisions the task root keeps registered for rollbacks while it exists."""
    destroyed = rehearsal.step("destroy.sh")
    order = [line.split("destroy ", 1)[1] for line in destroyed.stderr.splitlines() if ": destroy " in line]
    assert order == ["service", "network", "task", "ecr"]
    for root in ROOTS:
        assert rehearsal.outputs(root) == {}, f"{root} still has outputs"
    env = rehearsal.admin_env
    assert aws_cli(env, "ecr", "describe-repositories")["repositories"] == []
    assert aws_cli(env, "ecs", "list-task-definitions", "--status", "ACTIVE")["taskDefinitionArns"] == []
    clusters = aws_cli(env, "ecs", "list-clusters")["clusterArns"]
    if clusters:  # moto keeps a deleted cluster listed as INACTIVE, as AWS does for a while
        described = aws_cli(env, "ecs", "describe-clusters", "--clusters", *clusters)["clusters"]
        assert [c["clusterName"] for c in described if c["status"] != "INACTIVE"] == []
    assert rehearsal.step("ecs-check.sh").outputs["service_exists"] == "false"
    assert aws_cli(env, "elbv2", "describe-load-balancers")["LoadBalancers"] == []
    assert aws_cli(env, "elbv2", "describe-target-groups")["TargetGroups"] == []
    assert aws_cli(env, "apigatewayv2", "get-apis")["Items"] == []
    assert aws_cli(env, "apigatewayv2", "get-vpc-links")["Items"] == []
    assert aws_cli(env, "deploy", "list-applications")["applications"] == []
    assert (
        aws_cli(env, "application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")[
            "ScalableTargets"
        ]
        == []
    )
    assert aws_cli(env, "cloudwatch", "describe-alarms")["MetricAlarms"] == []


def test_destroy_again_finds_every_root_already_gone(rehearsal: Rehearsal) -> None:
    """A re-run after a complete (or partial) Destroy succeeds without touching anything."""
    again = rehearsal.step("destroy.sh")
    assert again.stderr.count("nothing to destroy") == 4
