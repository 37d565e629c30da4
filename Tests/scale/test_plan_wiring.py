"""The model's reading of terraform/service/main.tf (Settings.wiring() from variables) against a real plan of
that root: `terraform plan` of a copy of the root, pointed at moto in-process (a user's VPC and the task
root's state are created there first), `terraform show -json`, then Settings.from_plan. Non-default
settings make every mapped value count."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from scaling.demand import Demand
from scaling.settings import Settings
from scaling.simulation import simulate

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-west-2"  # terraform/config.tfvars aws_region: the provider's region
BUCKET = "fasb-scale-plan-tfstate"
MIRROR = os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
SETTINGS = """
cpu_scale_up_threshold        = 65
cpu_scale_down_threshold      = 25
scale_up_steps                = { small = 2, large = 3, large_breach = 15 }
scale_down_step               = 2
cpu_alarm_period_seconds      = 120
scale_up_evaluation_periods   = 2
scale_down_evaluation_periods = 4
scale_up_cooldown_seconds     = 90
scale_down_cooldown_seconds   = 300
min_task_count                = 2
max_scaled_task_count         = 9
"""

pytestmark = pytest.mark.skipif(
    shutil.which("terraform") is None or not Path(MIRROR).is_dir(), reason="needs terraform and the provider mirror"
)


def aws_world(endpoint: str) -> None:
    """A user's VPC (Name private-vpc, two *-private-* subnets) and the task root's state in S3."""
    kw = {"endpoint_url": endpoint, "region_name": REGION, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    ec2 = boto3.client("ec2", **kw)
    vpc = ec2.create_vpc(
        CidrBlock="10.66.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "private-vpc"}]}],
    )["Vpc"]["VpcId"]
    for i, zone in enumerate("ab"):
        ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.66.{i}.0/24",
            AvailabilityZone=f"{REGION}{zone}",
            TagSpecifications=[
                {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"private-vpc-private-{REGION}{zone}"}]}
            ],
        )
    s3 = boto3.client("s3", **kw)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    outputs = {
        "task_definition_arn": f"arn:aws:ecs:{REGION}:123456789012:task-definition/fargate-auto-scaled-backend:1",
        "container_name": "app",
        "container_port": 3000,
    }
    state = {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "scale-plan-test",
        "outputs": {k: {"value": v, "type": "number" if isinstance(v, int) else "string"} for k, v in outputs.items()},
        "resources": [],
        "check_results": None,
    }
    s3.put_object(Bucket=BUCKET, Key="task.tfstate", Body=json.dumps(state).encode())


@pytest.fixture(scope="module")
def plan_json(endpoint, tmp_path_factory) -> Path:
    aws_world(endpoint)
    work = tmp_path_factory.mktemp("plan")
    # The whole terraform/ tree: the root links shared files and uses local modules by relative path.
    shutil.copytree(
        REPO / "terraform",
        work / "terraform",
        symlinks=True,
        ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "*_override.tf"),
    )
    root = work / "terraform" / "service"
    shutil.copy(REPO / "terraform" / "config.tfvars", work / "config.tfvars")
    (work / "settings.tfvars").write_text(SETTINGS)
    templates = REPO / "Tests" / "terraform"
    (root / "zz_emulator_override.tf").write_text(
        (templates / "emulator_override.tf.tpl").read_text().replace("@ENDPOINT@", endpoint)
        + (templates / "remote_state_override.tf.tpl")
        .read_text()
        .replace("@ENDPOINT@", endpoint)
        .replace("@NAME@", "task")
        .replace("@KEY_VAR@", "task_state_key")
        # The plan only needs a local backend; the S3 backend is the real stacks' business.
        + '\nterraform {\n  backend "local" {}\n}\n'
    )
    (work / "tf.rc").write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n'
        '    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
    )
    env = dict(
        os.environ,
        TF_CLI_CONFIG_FILE=str(work / "tf.rc"),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )

    def tf(*args: str) -> str:
        out = subprocess.run(
            ["terraform", f"-chdir={root}", *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert out.returncode == 0, f"terraform {args[0]}:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
        return out.stdout

    tf("init", "-no-color")
    tf(
        "plan",
        "-no-color",
        "-out=plan.bin",
        f"-var-file={work / 'config.tfvars'}",
        f"-var-file={work / 'settings.tfvars'}",
        f"-var=state_bucket={BUCKET}",
    )
    path = work / "plan.json"
    path.write_text(tf("show", "-json", "plan.bin"))
    return path


def test_the_models_reading_of_main_tf_matches_the_planned_alarms_and_policies(plan_json, tmp_path):
    from_plan = Settings.from_plan(plan_json)
    extra = tmp_path / "settings.tfvars"
    extra.write_text(SETTINGS)
    from_variables = Settings.from_root(var_files=[extra])
    planned, read = from_plan.wiring(), from_variables.wiring()
    for a, b in zip(planned[:2], read[:2], strict=True):
        assert (
            a.name,
            a.threshold,
            a.comparison_operator,
            a.evaluation_periods,
            a.period,
            a.m,
            a.treat_missing_data,
            a.actions,
        ) == (
            b.name,
            b.threshold,
            b.comparison_operator,
            b.evaluation_periods,
            b.period,
            b.m,
            b.treat_missing_data,
            b.actions,
        )
    for a, b in zip(planned[2:], read[2:], strict=True):
        assert (a.name, list(a.steps), a.cooldown) == (b.name, list(b.steps), b.cooldown)
    assert planned[0].actions == (planned[2].name,) and planned[1].actions == (planned[3].name,)


def test_scale_sim_gives_the_same_outcome_from_the_plan(plan_json, tmp_path):
    extra = tmp_path / "settings.tfvars"
    extra.write_text(SETTINGS)
    demand = Demand.parse("0:0.5,2m:6,20m:0.5")
    a = simulate(Settings.from_plan(plan_json), demand, 45 * 60)
    b = simulate(Settings.from_root(var_files=[extra]), demand, 45 * 60)
    assert [(x.time, x.old, x.new) for x in a.activities] == [(x.time, x.old, x.new) for x in b.activities]
    assert a.activities  # the profile does scale, so the comparison means something
