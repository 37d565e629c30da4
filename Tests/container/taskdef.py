"""The task definition exactly as the task root renders it: `terraform plan` of a scratch copy of
terraform/task (offline: local backend, fake credentials, no refresh), read from `terraform show -json`.

The root's own code is planned unchanged; an override file only swaps the S3 backend for a local one and
gives the provider fake credentials, so nothing reaches AWS. A data source that needs AWS would make the
plan fail here, loudly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RESOURCE = "aws_ecs_task_definition.this"

OFFLINE_OVERRIDE = """\
# Written by Tests/container/taskdef.py into a scratch copy of terraform/task.
terraform {
  backend "local" {}
}

provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
}
"""


@dataclass(frozen=True)
class TaskDefinition:
    """The planned `aws_ecs_task_definition`: task size, host-less volumes and the container definitions."""

    cpu: int
    memory: int
    volumes: list[dict[str, Any]]
    containers: list[dict[str, Any]]

    @classmethod
    def from_plan(cls, plan: dict[str, Any]) -> TaskDefinition:
        changes = [c for c in plan.get("resource_changes", []) if c["address"] == RESOURCE]
        if len(changes) != 1:
            raise AssertionError(f"the plan has no single {RESOURCE} (found {len(changes)})")
        after = changes[0]["change"]["after"]
        return cls(
            cpu=int(after["cpu"]),
            memory=int(after["memory"]),
            volumes=list(after.get("volume") or []),
            containers=json.loads(after["container_definitions"]),
        )

    @property
    def container(self) -> dict[str, Any]:
        """The only container (the product runs one per task)."""
        if len(self.containers) != 1:
            raise AssertionError(f"expected one container definition, got {len(self.containers)}")
        return self.containers[0]


def _cli_config(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_VAR_"))}
    env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1", AWS_EC2_METADATA_DISABLED="true")
    if not os.path.isfile(env.get("TF_CLI_CONFIG_FILE", "")):
        mirror = env.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
        config = tmp / "terraform.tfrc"
        config.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n', encoding="utf-8"
        )
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


def render(image_uri: str, extra_vars: dict[str, str] | None = None) -> TaskDefinition:
    """Plans terraform/task with terraform/config.tfvars and image_uri (plus extra_vars) and returns the
    task definition Terraform would register."""
    with tempfile.TemporaryDirectory(prefix="taskdef-") as scratch:
        tmp = Path(scratch)
        root = tmp / "task"
        shutil.copytree(
            REPO / "terraform" / "task",
            root,
            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "*_override.tf", "tests"),
        )
        (root / "zz_offline_override.tf").write_text(OFFLINE_OVERRIDE, encoding="utf-8")
        env = _cli_config(tmp)
        var_args = [f"-var-file={REPO / 'terraform' / 'config.tfvars'}", f"-var=image_uri={image_uri}"]
        var_args += [f"-var={name}={value}" for name, value in (extra_vars or {}).items()]

        def terraform(*args: str) -> str:
            result = subprocess.run(
                ["terraform", f"-chdir={root}", *args], env=env, capture_output=True, text=True, timeout=300
            )
            if result.returncode != 0:
                raise AssertionError(
                    f"terraform {args[0]} failed ({result.returncode}):\n"
                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
                )
            return result.stdout

        terraform("init", "-input=false", "-no-color")
        terraform("plan", "-input=false", "-no-color", "-refresh=false", "-lock=false", "-out=task.plan", *var_args)
        return TaskDefinition.from_plan(json.loads(terraform("show", "-json", "task.plan")))
