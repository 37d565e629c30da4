"""Deploy runs `make test` on its own commit before anything touches AWS: the CI workflow is callable, Deploy calls
it as its first job, every job that assumes the deploy role depends on that job, and CI on main is never
cancelled. Each rule is a function the tests also run on a broken copy, so the check is seen to fail."""

from __future__ import annotations

import copy

import yaml
from workflow_support import REPO

WORKFLOWS = REPO / ".github" / "workflows"
CI_CALL = "$/.github/workflows/ci.yml"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean true.
    return workflow.get("on", workflow.get(True))


def needs(spec: dict) -> set[str]:
    value = spec.get("needs", [])
    return {value} if isinstance(value, str) else set(value)


def ancestors(jobs: dict[str, dict], job: str) -> set[str]:
    """Every job `job` waits for, directly or through others."""
    found: set[str] = set()
    todo = list(needs(jobs[job]))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(needs(jobs[name]))
    return found


def assumes_the_role(spec: dict) -> bool:
    """A job that can reach AWS: it may request an OIDC token (a step or a called workflow assumes the role)."""
    return spec.get("permissions", {}).get("id-token") == "write"


# Status functions that let a job run after a job it needs failed or was skipped (GitHub's "Status check
# functions": without one, `success()` is implied and a failed need skips the job).
RUNS_AFTER_FAILURE = ("always()", "failure()", "cancelled()")


def ungated_aws_jobs(workflow: dict) -> list[str]:
    """The AWS jobs of `workflow` that could run without the CI job having passed."""
    jobs = workflow["jobs"]
    (ci,) = [name for name, spec in jobs.items() if spec.get("uses") == CI_CALL]
    problems = []
    for name, spec in jobs.items():
        if not assumes_the_role(spec):
            continue
        if ci not in ancestors(jobs, name):
            problems.append(f"{name} does not depend on {ci}")
        for step_job in [name, *ancestors(jobs, name)]:
            condition = str(jobs[step_job].get("if", ""))
            if any(function in condition for function in RUNS_AFTER_FAILURE):
                problems.append(f"{name}: {step_job} runs after a failure ({condition})")
    return problems


def test_ci_is_callable_and_not_pushed_to_main_twice() -> None:
    """Main's CI runs inside Deploy; a `push: main` trigger as well would test every commit twice."""
    on = triggers(load("ci.yml"))
    assert "workflow_call" in on
    assert "pull_request" in on
    assert "push" not in on, "CI on main runs through Deploy; a push trigger would run it a second time"


def test_deploy_calls_ci_first_with_read_only_permissions() -> None:
    jobs = load("deploy.yml")["jobs"]
    callers = [name for name, spec in jobs.items() if spec.get("uses") == CI_CALL]
    assert len(callers) == 1, "Deploy calls CI exactly once"
    (ci,) = callers
    assert not needs(jobs[ci]), "the CI job is Deploy's first"
    assert jobs[ci]["permissions"] == {"contents": "read"}, "the called CI gets only contents: read"


def test_every_aws_job_of_deploy_depends_on_ci() -> None:
    deploy = load("deploy.yml")
    assert [name for name, spec in deploy["jobs"].items() if assumes_the_role(spec)], "Deploy has AWS jobs"
    assert ungated_aws_jobs(deploy) == []


def test_the_gate_check_refuses_a_job_that_skips_ci() -> None:
    """The check can fail: an AWS job without the CI job among its needs, and one that runs after a failure."""
    deploy = load("deploy.yml")
    first_aws = next(name for name, spec in deploy["jobs"].items() if assumes_the_role(spec) and needs(spec))
    unhooked = copy.deepcopy(deploy)
    unhooked["jobs"][first_aws]["needs"] = []
    assert any(f"{first_aws} does not depend on" in problem for problem in ungated_aws_jobs(unhooked))
    forced = copy.deepcopy(deploy)
    forced["jobs"][first_aws]["if"] = "${{ always() }}"
    assert any("runs after a failure" in problem for problem in ungated_aws_jobs(forced))


def test_called_ci_does_not_ask_for_deploys_concurrency_group() -> None:
    """Called by Deploy, CI evaluates its concurrency with Deploy's context; a called workflow that asks for the
    group its caller holds is cancelled as a deadlock. (That main never cancels CI: test_workflow_files.py.)"""
    group = load("ci.yml")["concurrency"]["group"].replace("${{ github.ref }}", "refs/heads/main")
    assert "${{" not in group, "the group depends on github.ref only"
    assert group != load("deploy.yml")["concurrency"]["group"]
