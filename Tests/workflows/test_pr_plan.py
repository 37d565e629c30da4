"""The Plan workflow's scripts on their own: which roots a pull request touches (read from the tree), whether the
run can assume the plan role (a fork's run cannot), and the plan summary (no state lock, cut to GitHub's size
limit). The plan role itself, with IAM enforced, is rehearsed in test_rehearsal.py (after Deploy).

Test doubles: none beyond the emulator's S3 (the probe root's state, from test_pipeline_scripts.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from test_pipeline_scripts import STATE_BUCKET, plant_lock, probe_root  # noqa: F401 (fixture: probe_root)
from workflow_support import REPO, aws_cli, run

BACKEND = 'terraform {\n  backend "s3" {}\n}\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repository with roots a, b, c and bootstrap: a links shared/x.tf and calls modules/m; b calls
    modules/outer, which calls modules/m; c has neither; bootstrap has no S3 backend (not a root to plan)."""
    top = tmp_path / "repo"
    files = {
        "terraform/config.tfvars": 'aws_region = "eu-west-2"\n',
        "terraform/shared/x.tf": "# shared\n",
        "terraform/modules/m/main.tf": "# module m\n",
        "terraform/modules/outer/main.tf": 'module "m" {\n  source = "../m"\n}\n',
        "terraform/modules/unused/main.tf": "# nobody calls it\n",
        "terraform/a/backend.tf": BACKEND,
        "terraform/a/main.tf": 'module "m" {\n  source = "../modules/m"\n}\n',
        "terraform/b/backend.tf": BACKEND,
        "terraform/b/main.tf": 'module "outer" {\n  source  = "../modules/outer"\n}\n',
        "terraform/b/versions.tf": 'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n'
        "    }\n  }\n}\n",
        "terraform/c/backend.tf": BACKEND,
        "terraform/bootstrap/main.tf": 'module "m" {\n  source = "../modules/m"\n}\n',
        "README.md": "docs\n",
    }
    for relative, content in files.items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (top / "terraform/a/x.tf").symlink_to("../shared/x.tf")
    return top


def touched(tree: Path, *paths: str) -> str:
    result = subprocess.run(
        [str(REPO / "scripts/pipeline/changed-roots.sh")],
        input="".join(f"{path}\n" for path in paths),
        env={"PATH": os.environ["PATH"], "TERRAFORM_DIR": str(tree / "terraform")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.removeprefix("roots=").strip()


@pytest.mark.parametrize(
    ("changed", "roots"),
    [
        (["terraform/c/main.tf"], "c"),
        (["terraform/a/README.md", "terraform/c/backend.tf"], "a c"),
        (["terraform/shared/x.tf"], "a"),  # through a's symlink only
        (["terraform/modules/m/main.tf"], "a b"),  # a directly, b through modules/outer
        (["terraform/modules/outer/main.tf"], "b"),
        (["terraform/modules/unused/main.tf"], ""),
        (["terraform/config.tfvars"], "a b c"),  # every root gets it
        (["terraform/bootstrap/main.tf"], ""),  # applied by hand, local state
        (["README.md", "scripts/x.sh"], ""),
        (["terraform/b/gone.tf"], "b"),  # a deleted file still touches its root
    ],
)
def test_roots_follow_links_modules_and_the_shared_settings(tree: Path, changed: list[str], roots: str) -> None:
    assert touched(tree, *changed) == roots


def test_the_repositorys_own_tree(tmp_path: Path) -> None:
    """On this repository: terraform/shared is linked into every root with an S3 backend; the task root calls
    no module, so a module change does not plan it."""
    with_backend = sorted(path.parent.name for path in (REPO / "terraform").glob("*/backend.tf"))
    assert touched(REPO, "terraform/shared/versions.tf").split() == with_backend
    module_users = touched(REPO, "terraform/modules/private_subnets/main.tf").split()
    assert "task" not in module_users and "bootstrap" not in module_users
    assert module_users == sorted(
        root
        for root in with_backend
        if "../modules/private_subnets" in (REPO / "terraform" / root / "main.tf").read_text()
    )


def test_base_lists_the_changes_with_git_and_the_summary_names_the_roots(tree: Path, tmp_path: Path) -> None:
    git = ["git", "-C", str(tree), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (tree / "terraform/modules/outer/main.tf").write_text("# changed\n")
    subprocess.run([*git, "commit", "-qam", "pull request"], check=True)
    summary = tmp_path / "summary.md"
    result = run(
        "changed-roots.sh",
        "--base",
        "HEAD^1",
        env={"PATH": os.environ["PATH"], "TERRAFORM_DIR": str(tree / "terraform"), "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.code == 0, result.stderr
    assert result.outputs == {"roots": "b"}
    assert summary.read_text().startswith("### Terraform roots this pull request touches: `b`")


def test_an_unknown_base_is_a_clear_error(tree: Path) -> None:
    subprocess.run(["git", "-C", str(tree), "init", "-q"], check=True)
    result = run(
        "changed-roots.sh",
        "--base",
        "no-such-rev",
        env={"PATH": os.environ["PATH"], "TERRAFORM_DIR": str(tree / "terraform")},
    )
    assert result.code == 1 and "git diff no-such-rev HEAD failed" in result.stderr


# MARK: - plan-credentials.sh


TOKEN = {"ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.invalid/", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"}


def test_a_forks_run_has_no_token_and_passes_saying_so(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run(
        "plan-credentials.sh",
        "--role",
        "arn:aws:iam::123456789012:role/p-plan",
        env={"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.code == 0, result.stderr
    assert result.outputs == {"available": "false"}
    assert "no OIDC token" in summary.read_text() and "fork" in summary.read_text()


def test_without_a_plan_role_the_summary_says_what_to_set(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary), **TOKEN}
    result = run("plan-credentials.sh", "--role", "", env=env)
    assert result.code == 0 and result.outputs == {"available": "false"}
    assert "AWS_PLAN_ROLE" in summary.read_text()


def test_a_run_with_a_token_and_a_role_plans(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary), **TOKEN}
    result = run("plan-credentials.sh", "--role", "p-plan", env=env)
    assert result.code == 0 and result.outputs == {"available": "true"}
    assert not summary.exists()


# MARK: - plan-roots.sh (a probe root in the emulator's S3)


def test_a_plan_takes_no_lock_and_summarizes_the_changes(probe_root: dict[str, str], tmp_path: Path) -> None:
    """A lock held by someone else does not stop the plan (-lock=false), and the plan leaves no lock of its own."""
    lock_id = plant_lock(probe_root, tmp_path, minutes_old=1)
    summary = tmp_path / "summary.md"
    result = run(
        "plan-roots.sh",
        "probe",
        env=dict(probe_root, GITHUB_STEP_SUMMARY=str(summary), TF_LOCK_TIMEOUT="0s"),
        timeout=300,
    )
    assert result.code == 0, result.stderr
    text = summary.read_text()
    assert text.startswith("### Plan of `probe`: 1 to add, 0 to change, 0 to destroy, 0 to replace\n")
    assert "<details><summary>terraform show (probe)</summary>" in text
    assert "terraform_data.this will be created" in text
    objects = aws_cli(probe_root, "s3api", "list-objects-v2", "--bucket", STATE_BUCKET).get("Contents", [])
    lock = aws_cli(
        probe_root,
        "s3api",
        "get-object",
        "--bucket",
        STATE_BUCKET,
        "--key",
        "probe.tfstate.tflock",
        str(tmp_path / "lock-after.json"),
    )
    assert lock and lock_id in (tmp_path / "lock-after.json").read_text(), "the planted lock was replaced"
    assert [o["Key"] for o in objects if o["Key"] != "probe.tfstate.tflock"] == [], "the plan wrote a state"


def test_a_plan_too_large_for_the_summary_is_cut_to_fit(probe_root: dict[str, str], tmp_path: Path) -> None:
    """GitHub drops a step summary over 1 MiB whole; a plan text of ~1.7 MB is cut at a line end and says so."""
    (Path(probe_root["TERRAFORM_DIR"]) / "probe" / "big.tf").write_text(
        'resource "terraform_data" "big" {\n  input = join("\\n", [for i in range(1000) : format("%01700d", i)])\n}\n'
    )
    summary = tmp_path / "summary.md"
    result = run("plan-roots.sh", "probe", env=dict(probe_root, GITHUB_STEP_SUMMARY=str(summary)), timeout=300)
    assert result.code == 0, result.stderr
    assert len(result.stderr.encode()) > 1024 * 1024, "the log keeps the whole plan"
    size = summary.stat().st_size
    assert size <= 1024 * 1024
    text = summary.read_text()
    assert "to fit the job summary; the job log has the whole plan" in text
    assert text.rstrip().endswith("</details>")


def test_a_failed_plan_is_summarized_and_fails_the_step(probe_root: dict[str, str], tmp_path: Path) -> None:
    (Path(probe_root["TERRAFORM_DIR"]) / "probe" / "broken.tf").write_text(
        'resource "terraform_data" "x" {\n  input = var.nope\n}\n'
    )
    summary = tmp_path / "summary.md"
    result = run("plan-roots.sh", "probe", env=dict(probe_root, GITHUB_STEP_SUMMARY=str(summary)), timeout=300)
    assert result.code == 1
    assert "the plan failed for: probe" in result.stderr
    assert summary.read_text().startswith("### Plan of `probe`: failed")


# MARK: - the workflow


def test_plan_workflow_runs_on_pull_request_only_and_never_applies() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "plan.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert list(triggers) == ["pull_request"]
    (job,) = workflow["jobs"].values()
    runs = " ".join(step.get("run", "") for step in job["steps"])
    assert "plan-roots.sh" in runs and "apply" not in runs and "destroy" not in runs
    (credentials,) = [step for step in job["steps"] if "aws-credentials" in step.get("uses", "")]
    assert credentials["with"]["role"] == "${{ vars.AWS_PLAN_ROLE }}"
    assert credentials["if"] == "steps.credentials.outputs.available == 'true'"
