"""Job summaries ($GITHUB_STEP_SUMMARY): each pipeline script that knows a fact writes it, and nothing when it
runs outside Actions. The facts are read back from the emulator (digests, deployment IDs), never written into
the test. Also the smoke test's --expect-image: after a deployment, /host must answer from the deployed image.

Test doubles: the CodeDeploy test double (Tests/aws-emulator/patches/codedeploy_deployments.py), the fake docker
(Tests/workflows/fakes/docker), and local HTTP servers standing in for the API (each says what it fakes).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fakehttp import JSONHandler, serving  # noqa: E402 (on the path workflow_support sets)
from test_pipeline_scripts import (  # noqa: F401 (fixtures: probe_root, repository, source_tree)
    ROLLBACK_ON_FAILURE,
    TASK_DEFINITION,
    create_group,
    deploy,
    deployments_of,
    probe_root,
    repository,
    source_tree,
)
from workflow_support import REPO, aws_cli, console_link, run


@pytest.fixture
def summary(tmp_path: Path) -> Path:
    """Where a step's summary goes (GitHub gives each step its own file); absent until a script writes it."""
    return tmp_path / "step-summary.md"


def summarized(env: dict[str, str], summary: Path) -> dict[str, str]:
    return dict(env, GITHUB_STEP_SUMMARY=str(summary))


# MARK: - the helper


def test_outside_actions_nothing_is_written_and_the_outputs_stay_clean(tmp_path: Path) -> None:
    """No GITHUB_STEP_SUMMARY (a local run): the script's outputs on stdout are all there is."""
    result = run(
        "task-definition-changed.sh",
        "--current",
        TASK_DEFINITION,
        "--new",
        TASK_DEFINITION,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.code == 0, result.stderr
    assert result.stdout == "deploy=false\n"
    assert list(tmp_path.iterdir()) == []


def test_a_summary_that_cannot_be_written_does_not_fail_the_step(tmp_path: Path) -> None:
    unwritable = tmp_path / "missing-directory" / "summary.md"
    result = run(
        "task-definition-changed.sh",
        "--current",
        TASK_DEFINITION,
        "--new",
        TASK_DEFINITION,
        env={"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(unwritable)},
    )
    assert result.code == 0, result.stderr
    assert result.outputs == {"deploy": "false"}
    assert f"cannot write the job summary {unwritable}; going on without it" in result.stderr


# MARK: - image


def test_a_built_image_is_summarized_by_the_digest_ecr_reports(
    aws: dict[str, str], repository: str, source_tree: Path, summary: Path
) -> None:
    env = summarized(aws, summary)
    args = ("--repository-url", repository, "--tag", "src-1", "--source-dir", str(source_tree))
    built = run("ensure-image.sh", *args, env=env)
    assert built.code == 0, built.stderr
    digest = aws_cli(aws, "ecr", "describe-images", "--repository-name", "fargate-auto-scaled-backend")["imageDetails"][
        0
    ]["imageDigest"]
    assert summary.read_text() == (
        f"- **Image**: `{repository}@{digest}` — built and pushed by this run (tag `src-1`)\n"
    )

    summary.unlink()
    reused = run("ensure-image.sh", *args, env=env)
    assert reused.code == 0, reused.stderr
    assert summary.read_text() == (
        f"- **Image**: `{repository}@{digest}` — reused: ECR already had tag `src-1` (its inputs did not change)\n"
    )


# MARK: - deployment decision, deployment and outcome


def test_a_skipped_deployment_says_why(summary: Path) -> None:
    result = run(
        "task-definition-changed.sh",
        "--current",
        TASK_DEFINITION,
        "--new",
        TASK_DEFINITION,
        env={"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.code == 0, result.stderr
    assert f"- **Deployment**: skipped — the service already runs `{TASK_DEFINITION}`" in summary.read_text()


def test_a_successful_deployment_is_summarized_with_its_console_link(
    aws: dict[str, str], emulator, summary: Path
) -> None:
    group = create_group(aws)
    emulator.deployments_will("Succeeded", after_polls=2)
    result = deploy(summarized(aws, summary), group, "--timeout", "30")
    assert result.code == 0, result.stderr
    (info,) = deployments_of(aws)
    link = console_link(info["deploymentId"])
    assert summary.read_text().splitlines() == [
        f"- **Deployment**: {link} of `{TASK_DEFINITION}` in app/group",
        f"- **Outcome**: deployed — {link} Succeeded",
    ]


def test_a_rolled_back_deployment_names_both_deployments_and_codedeploys_reason(
    aws: dict[str, str], emulator, summary: Path
) -> None:
    group = create_group(aws, *ROLLBACK_ON_FAILURE)
    emulator.control.write_text(
        json.dumps(
            {
                "status": "Failed",
                "afterPolls": 1,
                "errorInformation": {"code": "HEALTH_CONSTRAINTS", "message": "tasks failed the health check"},
                "rollback": {"status": "Succeeded", "afterPolls": 2},
            }
        )
    )
    result = deploy(summarized(aws, summary), group, "--timeout", "30")
    assert result.code == 1
    failed, rollback = deployments_of(aws)
    assert rollback["creator"] == "codeDeployRollback"
    assert summary.read_text().splitlines()[-1] == (
        f"- **Outcome**: rolled back — {console_link(failed['deploymentId'])} Failed (HEALTH_CONSTRAINTS: tasks "
        f"failed the health check); rollback {console_link(rollback['deploymentId'])} restored the previous revision"
    )


def test_a_deploy_refused_for_a_running_deployment_links_it(aws: dict[str, str], emulator, summary: Path) -> None:
    group = create_group(aws)
    emulator.deployments_never_progress()
    running = aws_cli(
        aws, "deploy", "create-deployment", "--application-name", "app", "--deployment-group-name", "group"
    )
    result = deploy(summarized(aws, summary), group, "--timeout", "5")
    assert result.code == 1
    assert summary.read_text() == (
        f"- **Deployment**: not created — app/group already has one in progress: "
        f"{console_link(running['deploymentId'])}\n"
    )


# MARK: - Terraform roots (Init's applies, Destroy's roots)


def test_an_applied_root_lists_its_outputs_and_a_destroyed_one_says_so(
    probe_root: dict[str, str], summary: Path
) -> None:
    """The outputs are what Terraform holds after the apply (the probe's terraform_data id is made at apply);
    sensitive and non-scalar outputs stay out."""
    (Path(probe_root["TERRAFORM_DIR"]) / "probe" / "outputs.tf").write_text(
        'output "id" {\n  value = terraform_data.this.id\n}\n\n'
        'output "secret" {\n  value     = "hunter2"\n  sensitive = true\n}\n\n'
        'output "list" {\n  value = ["a", "b"]\n}\n'
    )
    env = summarized(probe_root, summary)
    assert run("terraform-root.sh", "apply", "probe", env=env).code == 0
    state_id = json.loads(run("terraform-root.sh", "output", "probe", env=probe_root).stdout)["id"]
    assert (
        summary.read_text()
        == f"### Terraform `probe`: applied\n\n| Output | Value |\n| --- | --- |\n| id | `{state_id}` |\n\n"
    )

    summary.unlink()
    assert run("terraform-root.sh", "destroy", "probe", env=env).code == 0
    assert run("terraform-root.sh", "destroy", "probe", env=env).code == 0
    assert summary.read_text().splitlines() == [
        "- **Terraform `probe`**: destroyed (1 resources)",
        "- **Terraform `probe`**: skipped — its state is empty (never applied, or already destroyed)",
    ]


# MARK: - smoke test: the deployed image answers


DEPLOYED = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend@sha256:" + "b" * 64
PREVIOUS = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend@sha256:" + "a" * 64


class ShiftingHost(JSONHandler):
    """Stands in for API Gateway -> ALB -> the app during a traffic shift: GET /dev/host answers like the app,
    from the PREVIOUS image for the first `old_answers` requests, then from `image`."""

    old_answers = 0
    image = DEPLOYED
    seen = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path != "/dev/host":
            self.send_json(404, {"error": "not found"})
            return
        type(self).seen += 1
        image = PREVIOUS if self.seen <= self.old_answers else self.image
        self.send_json(
            200,
            {
                "message": "Request handled by backend at 2026-11-29T12:00:00.000Z",
                "imageUri": image,
                "hostname": "ip-10-0-0-1",
            },
        )


@pytest.fixture
def shifting_host() -> Iterator[tuple[str, type[ShiftingHost]]]:
    handler = type("Handler", (ShiftingHost,), {"seen": 0})
    with serving(handler) as base:
        yield f"{base}/dev", handler


def smoke(url: str, summary: Path, *args: str):
    return run(
        "smoke-test.sh",
        "--url",
        url,
        *args,
        "--interval",
        "1",
        env={"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)},
    )


def test_the_deployed_image_answering_passes_once_the_old_one_stops(
    shifting_host: tuple[str, type[ShiftingHost]], summary: Path
) -> None:
    """Old tasks answering during the shift are another 'not yet'; the summary names the image that answered."""
    url, handler = shifting_host
    handler.old_answers = 2
    result = smoke(url, summary, "--expect-image", DEPLOYED, "--deadline", "30")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["imageUri"] == DEPLOYED
    assert handler.seen == 3
    assert summary.read_text() == (
        f"- **API**: `{url}/host` answered 200 from image `{DEPLOYED}` (host ip-10-0-0-1): the deployed image\n"
    )


def test_the_old_image_answering_until_the_deadline_fails_naming_both(
    shifting_host: tuple[str, type[ShiftingHost]], summary: Path
) -> None:
    url, handler = shifting_host
    handler.old_answers = 10_000
    started = time.monotonic()
    result = smoke(url, summary, "--expect-image", DEPLOYED, "--deadline", "2")
    assert result.code == 1
    assert f"answered from image {PREVIOUS}, not the deployed {DEPLOYED}, within 2s" in result.stderr
    assert PREVIOUS in summary.read_text() and DEPLOYED in summary.read_text()
    assert summary.read_text().startswith("- **API**: FAILED")
    assert time.monotonic() - started < 20


def test_no_answer_fails_at_the_deadline(summary: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on: bound, never listening
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/dev"
        result = smoke(url, summary, "--expect-image", DEPLOYED, "--deadline", "2")
    assert result.code == 1
    assert "did not answer as expected within 2s; last: no answer" in result.stderr
    assert summary.read_text().startswith(f"- **API**: FAILED — `{url}/host` did not answer as expected within 2s")


def test_without_expect_image_any_image_of_the_app_passes(
    shifting_host: tuple[str, type[ShiftingHost]], summary: Path
) -> None:
    """Init's smoke test: a new stack has one image, so any answer of the app will do (the old behaviour)."""
    url, handler = shifting_host
    handler.old_answers = 10_000
    result = smoke(url, summary, "--deadline", "5")
    assert result.code == 0, result.stderr
    assert summary.read_text() == f"- **API**: `{url}/host` answered 200 from image `{PREVIOUS}` (host ip-10-0-0-1)\n"


@pytest.mark.parametrize("image", ["fargate-auto-scaled-backend:latest", "repo@sha256:abc", "a b@sha256:" + "0" * 64])
def test_expect_image_must_be_a_reference_by_digest(image: str, summary: Path) -> None:
    result = smoke("http://127.0.0.1:9/dev", summary, "--expect-image", image, "--deadline", "1")
    assert result.code == 1 and "is not an image reference by digest" in result.stderr


def test_deploy_smoke_tests_the_deployed_image_after_the_deployment() -> None:
    """Deploy's last job: the network root's invoke URL (read with terraform.yml's output command, after the
    deployment) and the image job's digest reach smoke-test.sh --expect-image."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "deploy.yml").read_text())["jobs"]
    assert workflow["network"]["needs"] == "deploy"
    assert workflow["network"]["with"] == {"root": "network", "command": "output"}
    (step,) = [step for step in workflow["smoke"]["steps"] if "smoke-test.sh" in step.get("run", "")]
    assert '--expect-image "$IMAGE_URI"' in step["run"] and '--url "$INVOKE_URL"' in step["run"]
    assert step["env"] == {
        "INVOKE_URL": "${{ fromJSON(needs.network.outputs.outputs).invoke_url }}",
        "IMAGE_URI": "${{ needs.image.outputs.image_uri }}",
    }
