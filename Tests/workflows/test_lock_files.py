"""Every Terraform root commits its .terraform.lock.hcl, and terraform-root.sh (what every workflow runs) uses it
read-only: the provider's checksum must match the committed one, and init never rewrites the file.

Terraform's "Dependency Lock File" page: init verifies each provider package against the checksums recorded in
the lock file and refuses one that matches none; `init -lockfile=readonly` suppresses any change to the file
and fails when the configuration needs a provider the file lacks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from workflow_support import REPO, run, state_backend

TERRAFORM = REPO / "terraform"
# A root links the shared settings (terraform/shared holds them; modules live under terraform/modules/).
ROOTS = sorted(path.parent.name for path in TERRAFORM.glob("*/settings.tf") if path.is_symlink())
# The provider mirror of `make test` (CI fills TF_PLUGIN_MIRROR from the registry; this machine has /opt/tf-plugins).
MIRROR = Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))
STATE_BUCKET = "locks-tfstate"


def plain(text: str) -> str:
    """Terraform's message without colours, box-drawing borders and line breaks."""
    return " ".join(re.sub(r"\x1b\[[0-9;]*m|[│╵╷]", " ", text).split())


def test_the_roots_are_the_five_pipeline_roots() -> None:
    """The glob above finds what the README lists (so a new root cannot go unchecked by a wrong glob)."""
    assert ROOTS == ["bootstrap", "ecr", "network", "service", "task"]


@pytest.mark.parametrize("root", ROOTS)
def test_each_root_commits_its_lock_file(root: str) -> None:
    lock = f"terraform/{root}/.terraform.lock.hcl"
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "--error-unmatch", lock], capture_output=True)
    assert tracked.returncode == 0, f"{lock} is not committed"
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "--no-index", lock])
    assert ignored.returncode == 1, f"a .gitignore rule hides {lock}"
    text = (REPO / lock).read_text()
    assert re.search(r'provider "registry.terraform.io/hashicorp/aws" \{\s*version\s*=\s*"5\.100\.0"', text)
    assert re.search(r'"h1:[A-Za-z0-9+/]{43}="', text), f"{lock} records no package checksum"


@pytest.fixture
def task_copy(aws: dict[str, str], emulator, tmp_path: Path) -> dict[str, str]:
    """A copy of terraform/task (shared files resolved, committed lock file kept) whose S3 backend is the
    emulator's, and the environment for terraform-root.sh: the provider comes from the filesystem mirror only."""
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.fail(f"no hashicorp/aws in the provider mirror {MIRROR}")
    terraform = tmp_path / "terraform"
    shutil.copytree(TERRAFORM / "task", terraform / "task", symlinks=False, ignore=shutil.ignore_patterns(".terraform"))
    shutil.copy(TERRAFORM / "config.tfvars", terraform / "config.tfvars")
    backend = state_backend(aws, emulator.endpoint, STATE_BUCKET, tmp_path / "backend.hcl")
    config = tmp_path / "terraform.tfrc"
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path    = "{MIRROR}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n'
        '    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
    )
    return dict(aws, TERRAFORM_DIR=str(terraform), TF_BACKEND_CONFIG=str(backend), TF_CLI_CONFIG_FILE=str(config))


def test_init_uses_the_committed_lock_file_without_rewriting_it(task_copy: dict[str, str]) -> None:
    lock = Path(task_copy["TERRAFORM_DIR"]) / "task" / ".terraform.lock.hcl"
    before = lock.read_bytes()
    result = run("terraform-root.sh", "init", "task", env=task_copy, timeout=300)
    assert result.code == 0, result.stderr
    assert lock.read_bytes() == before


def test_init_refuses_a_provider_whose_checksum_differs(task_copy: dict[str, str]) -> None:
    """The check can fail: the same lock file with another h1 checksum stops init."""
    lock = Path(task_copy["TERRAFORM_DIR"]) / "task" / ".terraform.lock.hcl"
    tampered = re.sub(r'"h1:[A-Za-z0-9+/]{43}="', '"h1:' + "A" * 43 + '="', lock.read_text())
    lock.write_text(tampered)
    result = run("terraform-root.sh", "init", "task", env=task_copy, timeout=300)
    assert result.code != 0
    assert "doesn't match any of the checksums previously recorded in the dependency lock file" in plain(result.stderr)
    assert lock.read_text() == tampered, "a refused init must not rewrite the lock file"


def test_init_refuses_a_root_without_a_lock_file(task_copy: dict[str, str]) -> None:
    """A lock file deleted (or never generated for a new root) is not silently recreated."""
    (Path(task_copy["TERRAFORM_DIR"]) / "task" / ".terraform.lock.hcl").unlink()
    result = run("terraform-root.sh", "init", "task", env=task_copy, timeout=300)
    assert result.code != 0
    assert "the lock file is read-only" in plain(result.stderr)
