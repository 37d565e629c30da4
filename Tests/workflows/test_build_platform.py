"""The image is built for the task root's cpu_architecture, on a runner of that architecture: build-platform.sh
asks Terraform for the value (the real task root, with the inputs terraform-root.sh applies it with), and the
image workflow builds on the runner and for the Docker platform it answers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from workflow_support import REPO, run

# The provider mirror of `make test` (CI fills TF_PLUGIN_MIRROR from the registry; this machine has /opt/tf-plugins).
MIRROR = Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))


@pytest.fixture
def terraform(tmp_path: Path) -> Path:
    """A copy of terraform/ (the task root with its links to the shared files, config.tfvars, its lock file)."""
    copy = tmp_path / "terraform"
    shutil.copytree(REPO / "terraform", copy, symlinks=True, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    return copy


@pytest.fixture
def env(tmp_path: Path, terraform: Path) -> dict[str, str]:
    """terraform/ is the copy; the provider comes from the caller's CLI config, else the filesystem mirror, else
    the registry."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TF_", "AWS_", "GITHUB_"))}
    env["TERRAFORM_DIR"] = str(terraform)
    config = os.environ.get("TF_CLI_CONFIG_FILE", "")
    if not os.path.isfile(config) and (MIRROR / "registry.terraform.io").is_dir():
        config = str(tmp_path / "terraform.tfrc")
        Path(config).write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n')
    if os.path.isfile(config):
        env["TF_CLI_CONFIG_FILE"] = config
    return env


def platform(env: dict[str, str], **changes: str) -> dict[str, str]:
    result = run("build-platform.sh", env=dict(env, **changes), timeout=300)
    assert result.code == 0, result.stderr
    return result.outputs


def test_the_default_architecture_builds_for_amd64(env: dict[str, str], terraform: Path) -> None:
    assert platform(env) == {"cpu_architecture": "X86_64", "docker_platform": "linux/amd64", "runner": "ubuntu-24.04"}
    assert not (terraform / "task" / ".terraform").exists(), "the working tree gets no .terraform"


def test_arm64_in_the_task_roots_tfvars_builds_for_arm64(env: dict[str, str], terraform: Path) -> None:
    """The root's own terraform.tfvars (which terraform-root.sh's apply reads too)."""
    (terraform / "task" / "terraform.tfvars").write_text('cpu_architecture = "ARM64"\n')
    assert platform(env) == {
        "cpu_architecture": "ARM64",
        "docker_platform": "linux/arm64",
        "runner": "ubuntu-24.04-arm",
    }


def test_arm64_from_the_environment_and_a_runner_of_ones_own(env: dict[str, str]) -> None:
    answer = platform(env, TF_VAR_cpu_architecture="ARM64", ARM64_RUNNER="my-arm64-runner")
    assert (answer["docker_platform"], answer["runner"]) == ("linux/arm64", "my-arm64-runner")


def test_an_invalid_architecture_fails_with_the_roots_own_validation(env: dict[str, str]) -> None:
    result = run("build-platform.sh", env=dict(env, TF_VAR_cpu_architecture="arm"), timeout=300)
    assert result.code == 1
    assert "Invalid value for variable" in result.stderr and 'var.cpu_architecture is "arm"' in result.stderr
    assert "docker_platform" not in result.outputs


# MARK: - the image workflow uses it


def test_the_image_is_built_on_the_runner_and_for_the_platform_terraform_gave() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "image.yml").read_text())
    jobs = workflow["jobs"]
    (step,) = [step for step in jobs["platform"]["steps"] if "build-platform.sh" in step.get("run", "")]
    build = jobs["build"]
    assert build["needs"] == "platform"
    assert build["runs-on"] == "${{ needs.platform.outputs.runner }}"
    assert build["env"]["DOCKER_BUILD_PLATFORM"] == "${{ needs.platform.outputs.docker_platform }}"
    runs = [step.get("run", "") for step in build["steps"]]
    assert any("image-tag.sh" in run for run in runs) and any("ensure-image.sh" in run for run in runs)
    assert step["id"] == "platform"


@pytest.mark.parametrize("name", ["deploy.yml", "init.yml"])
def test_init_and_deploy_build_through_the_image_workflow(name: str) -> None:
    jobs = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())["jobs"]
    assert jobs["image"]["uses"] == "$/.github/workflows/image.yml"
    assert not [job for job, spec in jobs.items() if "runs-on" in spec and "ensure-image.sh" in str(spec)]
