"""The workflow files themselves: the seed's job order, the security habits (pins, permissions, no expressions
in shell), and that every script they call exists — the same scripts the rehearsal runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from workflow_support import REPO

WORKFLOWS = REPO / ".github" / "workflows"
ACTIONS = REPO / ".github" / "actions"
FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(ACTIONS.glob("*/action.yml"))
RUNTIMES = json.loads((Path(__file__).resolve().parent / "data" / "action_runtimes.json").read_text())
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$")


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def jobs(name: str) -> dict[str, dict]:
    return load(name)["jobs"]


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean true.
    return workflow.get("on", workflow.get(True))


def order(name: str) -> list[str]:
    """The jobs of a workflow in the order their `needs` force (a chain is expected)."""
    graph = {
        job: set([spec.get("needs")] if isinstance(spec.get("needs"), str) else spec.get("needs", []))
        for job, spec in jobs(name).items()
    }
    ordered: list[str] = []
    while graph:
        ready = sorted(job for job, needs in graph.items() if needs <= set(ordered))
        assert len(ready) == 1, f"{name}: jobs {ready} are not ordered by needs"
        ordered.append(ready[0])
        del graph[ready[0]]
    return ordered


def steps(name: str) -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in jobs(name).items() for step in spec.get("steps", [])]


def test_init_runs_the_seeds_steps_in_order() -> None:
    assert order("init.yml") == ["ecs-check", "ecr", "image", "task", "service", "network", "test"]
    init = jobs("init.yml")
    assert "service_exists != 'true'" in init["image"]["if"], "the initial image only for a new stack"
    assert [init[job]["with"]["root"] for job in ("ecr", "task", "service", "network")] == [
        "ecr",
        "task",
        "service",
        "network",
    ]


def test_deploy_builds_applies_checks_then_deploys() -> None:
    assert order("deploy.yml") == ["ci", "ecr", "image", "task", "check", "deploy", "network", "smoke"]
    deploy = jobs("deploy.yml")
    assert deploy["deploy"]["if"] == "needs.check.outputs.deploy == 'true'"
    assert triggers(load("deploy.yml")) == {"push": {"branches": ["main"]}}


def test_deploy_watch_and_job_timeout_follow_the_deployment_group() -> None:
    """A fixed watch (1800 s) and job timeout (40 min) stopped healthy Linear deployments with a termination
    wait; both now come from deployment-budget.sh, which reads the group."""
    deploy = jobs("deploy.yml")
    budget = [step for step in deploy["check"]["steps"] if "deployment-budget.sh" in step.get("run", "")]
    assert len(budget) == 1 and budget[0]["id"] == "budget"
    assert deploy["deploy"]["timeout-minutes"] == "${{ fromJSON(needs.check.outputs.job_timeout_minutes) }}"
    (watch,) = [step for step in deploy["deploy"]["steps"] if "create-deployment.sh" in step.get("run", "")]
    assert '--timeout "$WATCH_TIMEOUT"' in watch["run"]
    assert watch["env"]["WATCH_TIMEOUT"] == "${{ needs.check.outputs.watch_timeout_seconds }}"


def test_deploy_checks_codedeploys_history_before_deploying() -> None:
    """The comparison is given the CodeDeploy group, so a rolled-back revision is not deployed again."""
    (compare,) = [step for step in jobs("deploy.yml")["check"]["steps"] if step.get("id") == "compare"]
    assert '--application "$APPLICATION" --deployment-group "$DEPLOYMENT_GROUP"' in compare["run"]
    assert compare["env"]["APPLICATION"] == "${{ steps.service.outputs.codedeploy_app_name }}"


def test_deploy_refuses_changes_that_belong_to_other_roots() -> None:
    """Before deciding to deploy, the check job plans the roots that follow the task root's outputs."""
    check = jobs("deploy.yml")["check"]["steps"]
    runs = [step.get("run", "") for step in check]
    guard = next(index for index, run in enumerate(runs) if "require-roots-unchanged.sh service network" in run)
    compare = next(index for index, step in enumerate(check) if step.get("id") == "compare")
    assert guard < compare


def test_destroy_confirms_then_runs_service_network_task_ecr() -> None:
    assert order("destroy.yml") == ["confirm", "service", "network", "task", "ecr"]
    destroy = jobs("destroy.yml")
    assert {spec["with"]["command"] for job, spec in destroy.items() if job != "confirm"} == {"destroy"}
    (guard,) = [step for step in destroy["confirm"]["steps"] if "run" in step]
    assert guard["run"] == 'scripts/pipeline/confirm-destroy.sh --confirm "$CONFIRM" --ref "$REF"'
    assert guard["env"] == {"CONFIRM": "${{ inputs.confirm }}", "REF": "${{ github.ref }}"}


def test_destroy_asks_for_a_typed_confirmation() -> None:
    inputs = triggers(load("destroy.yml"))["workflow_dispatch"]["inputs"]
    assert inputs["confirm"]["required"] is True and inputs["confirm"]["type"] == "string"


@pytest.mark.parametrize("name", ["init.yml", "deploy.yml", "destroy.yml"])
def test_stack_workflows_never_overlap_nor_cancel_each_other(name: str) -> None:
    assert load(name)["concurrency"] == {"group": "aws-stack", "cancel-in-progress": False}


def test_init_is_manual() -> None:
    assert triggers(load("init.yml")) == {"workflow_dispatch": None}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name if path.parent == WORKFLOWS else path.parent.name)
def test_remote_actions_are_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for line in path.read_text().splitlines():
        if re.match(r"^\s*(-\s+)?uses:", line) and "$/" not in line:
            assert PINNED.match(line), f"{path.name}: not pinned to a full SHA with a version comment: {line.strip()}"


def remote_actions(path: Path) -> list[tuple[str, str]]:
    """(owner/name@sha, version comment) of every remote action a file uses."""
    found = re.findall(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+@[0-9a-f]{40}) # (v[\d.]+)", path.read_text(), re.M)
    return [(ref, version) for ref, version in found]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name if path.parent == WORKFLOWS else path.parent.name)
def test_no_action_runs_on_a_retired_node(path: Path) -> None:
    """GitHub's runners no longer have Node 20 (or older): an action whose action.yml says `using: node20` at
    the pinned commit fails to start. Checked for every commit whose metadata is recorded; the version comment
    must be that commit's tag."""
    for ref, version in remote_actions(path):
        known = RUNTIMES["actions"].get(ref)
        if known is None:
            continue
        assert known["using"] not in RUNTIMES["retired"], f"{path.name}: {ref} ({version}) runs on {known['using']}"
        assert known["version"] == version, f"{path.name}: {ref} is {known['version']}, not {version}"


def test_every_pinned_action_has_its_runtime_recorded() -> None:
    """A pin moved without recording its runtime would pass the check above unseen."""
    unknown = {ref for path in FILES for ref, _ in remote_actions(path)} - set(RUNTIMES["actions"])
    assert not unknown, f"record runs.using of {sorted(unknown)} in Tests/workflows/data/action_runtimes.json"


def test_the_runtime_check_refuses_a_node20_action(tmp_path: Path) -> None:
    """The check can fail: the previous pins (Node 20) are refused."""
    retired = [ref for ref, meta in RUNTIMES["actions"].items() if meta["using"] in RUNTIMES["retired"]]
    assert retired
    workflow = tmp_path / "old.yml"
    workflow.write_text("".join(f"      - uses: {ref} # {RUNTIMES['actions'][ref]['version']}\n" for ref in retired))
    with pytest.raises(AssertionError, match="runs on node20"):
        test_no_action_runs_on_a_retired_node(workflow)


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda path: path.name)
def test_least_privilege_and_bounded_jobs(path: Path) -> None:
    """No workflow-wide permissions; every job says what it needs, has a timeout (or is a reusable workflow
    call, whose jobs have one), and checks out without persisting the token."""
    workflow = yaml.safe_load(path.read_text())
    assert workflow["permissions"] == {}
    for job, spec in workflow["jobs"].items():
        assert spec["permissions"]["contents"] == "read", f"{path.name}/{job}"
        assert set(spec["permissions"]) <= {"contents", "id-token"}, f"{path.name}/{job}"
        assert "timeout-minutes" in spec or "uses" in spec, f"{path.name}/{job} has no timeout"
        for step in spec.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{path.name}/{job}"


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda path: path.name)
def test_only_aws_jobs_get_an_oidc_token(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())
    for job, spec in workflow["jobs"].items():
        # Called workflows reach AWS, except CI (make test, offline; Deploy calls it with contents: read only).
        calls = spec.get("uses")
        uses_aws = calls not in (None, "$/.github/workflows/ci.yml") or any(
            "aws-credentials" in step.get("uses", "") for step in spec.get("steps", [])
        )
        assert (spec["permissions"].get("id-token") == "write") == uses_aws, f"{path.name}/{job}"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name if path.parent == WORKFLOWS else path.parent.name)
def test_shell_steps_take_inputs_from_env_not_expressions(path: Path) -> None:
    """`${{ }}` inside run: would let a value become shell code; values go through env instead."""
    document = yaml.safe_load(path.read_text())
    all_steps = document.get("runs", {}).get("steps", []) + [
        step for spec in document.get("jobs", {}).values() for step in spec.get("steps", [])
    ]
    for step in all_steps:
        assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


def test_every_script_the_workflows_call_exists_and_is_executable() -> None:
    called = set()
    for name in ("init.yml", "deploy.yml", "destroy.yml", "terraform.yml", "ci.yml", "image.yml"):
        for _, step in steps(name):
            called.update(re.findall(r"scripts/[\w./-]+\.sh", step.get("run", "")))
    assert {
        "scripts/pipeline/ecs-check.sh",
        "scripts/pipeline/ensure-image.sh",
        "scripts/pipeline/image-tag.sh",
        "scripts/pipeline/terraform-root.sh",
        "scripts/pipeline/destroy.sh",
        "scripts/pipeline/smoke-test.sh",
        "scripts/pipeline/task-definition-changed.sh",
        "scripts/pipeline/create-deployment.sh",
    } <= called
    for script in called:
        path = REPO / script
        assert path.is_file() and path.stat().st_mode & 0o111, f"{script} is missing or not executable"


def test_terraform_is_the_version_the_repository_uses() -> None:
    action = yaml.safe_load((ACTIONS / "setup-terraform" / "action.yml").read_text())
    (step,) = action["runs"]["steps"]
    assert step["with"] == {"terraform_version": "1.11.4", "terraform_wrapper": False}


def test_ci_on_main_is_never_cancelled_by_the_next_push() -> None:
    """Branches and PRs cancel superseded runs; main keeps one CI result per commit."""
    concurrency = load("ci.yml")["concurrency"]
    assert concurrency["group"] == "ci-${{ github.ref }}"
    assert concurrency["cancel-in-progress"] == "${{ github.ref != 'refs/heads/main' }}"
