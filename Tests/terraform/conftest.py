"""Fixtures of the Terraform integration test: the AWS emulator, a user's network in it, the state
bucket, and a scratch copy of terraform/ wired to the emulator.

IAM is enforced: an administrator (an IAM user with AdministratorAccess) applies the bootstrap root, as a
user does by hand; then the emulator starts checking every call's identity policies, and the other roots are
applied AS THE DEPLOY ROLE, so a call the bootstrap policies do not allow fails the test. What is faked: the
GitHub OIDC token. The credentials come from AssumeRoleWithWebIdentity with a made-up token, called while
enforcement is still off, because moto neither verifies the token nor evaluates the role's trust policy
(audience, subject) for web identities; the trust policy is checked by the bootstrap root's plan tests only.
Tests/aws-emulator/README.md says what moto's evaluation covers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "Tests" / "aws-emulator"))

from emulator import Emulator, administrator_credentials, as_client_credentials, web_identity_credentials  # noqa: E402

REGION = "eu-west-2"  # terraform/config.tfvars
VPC_NAME = "private-vpc"  # terraform/config.tfvars private_vpc_name
PROJECT = "fargate-auto-scaled-backend"
STATE_BUCKET = "fasb-test-tfstate"
IMAGE_URI = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/fargate-auto-scaled-backend@sha256:" + "a" * 64
GITHUB_REPOSITORY = "octo-org/fargate-auto-scaled-backend"
INIT_ORDER = ["ecr", "task", "service", "network"]
DESTROY_ORDER = ["service", "network", "task", "ecr"]
# Which remote state each root reads: data source name -> the variable holding its key.
REMOTE_STATES = {"service": ("task", "task_state_key"), "network": ("service", "service_state_key")}
COMMAND_TIMEOUT = 900


@dataclass
class Network:
    vpc_id: str
    cidr: str
    private_subnet_ids: list[str]
    public_subnet_id: str
    private_route_table_id: str


@dataclass
class Stack:
    """A scratch copy of terraform/ whose roots talk to the emulator, and the inputs they get. `env` signs as
    the deploy role, `admin_env` as the administrator (used for the bootstrap root only)."""

    aws: Emulator
    network: Network
    workdir: Path
    env: dict[str, str]
    admin_env: dict[str, str]
    image_uri: str = IMAGE_URI
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def terraform(self, root: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command, *rest = args
        color = [] if command == "state" else ["-no-color"]  # `state` takes it after its subcommand only
        env = self.admin_env if root == "bootstrap" else self.env
        result = subprocess.run(
            ["terraform", f"-chdir={self.workdir / root}", command, *color, *rest],
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"terraform {command} {root} failed ({result.returncode}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
            )
        return result

    def var_args(self, root: str) -> list[str]:
        args = [f"-var-file={self.workdir / 'config.tfvars'}"]
        if root == "bootstrap":
            args += [f"-var=state_bucket={STATE_BUCKET}", f"-var=github_repository={GITHUB_REPOSITORY}"]
        if root in REMOTE_STATES:
            args.append(f"-var=state_bucket={STATE_BUCKET}")
        if root == "task":
            args.append(f"-var=image_uri={self.image_uri}")
        return args

    def apply(self, root: str) -> None:
        self.terraform(root, "apply", "-input=false", "-auto-approve", "-lock-timeout=60s", *self.var_args(root))
        out = self.terraform(root, "output", "-json")
        self.outputs[root] = {name: item["value"] for name, item in json.loads(out.stdout).items()}

    def plan_exit_code(self, root: str) -> subprocess.CompletedProcess[str]:
        return self.terraform(
            root, "plan", "-input=false", "-detailed-exitcode", "-lock-timeout=60s", *self.var_args(root), check=False
        )

    def show_json(self, root: str) -> dict[str, Any]:
        """The root's state as `terraform show -json` renders it."""
        return json.loads(self.terraform(root, "show", "-json").stdout)

    def plan_json(self, root: str, *var_args: str) -> dict[str, Any]:
        """A plan of the root with extra -var settings (over the usual ones), as `terraform show -json` renders
        it; nothing is applied and the state is not locked."""
        plan_file = self.workdir / root / "settings.tfplan"
        self.terraform(
            root, "plan", "-input=false", "-lock=false", f"-out={plan_file}", *self.var_args(root), *var_args
        )
        try:
            return json.loads(self.terraform(root, "show", "-json", str(plan_file)).stdout)
        finally:
            plan_file.unlink(missing_ok=True)

    def destroy(self, root: str) -> None:
        self.terraform(root, "destroy", "-input=false", "-auto-approve", "-lock-timeout=60s", *self.var_args(root))


def _create_network(aws: Emulator) -> Network:
    """A user's VPC as the roots expect it: Name tag private_vpc_name, private subnets named *private*,
    plus a public subnet that the lookups must ignore."""
    ec2 = aws.client("ec2")
    cidr = "10.55.0.0/16"
    vpc = ec2.create_vpc(
        CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": VPC_NAME}]}]
    )["Vpc"]["VpcId"]
    # Private DNS on the ecr root's interface endpoints needs both (a new VPC has DNS hostnames off).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    route_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    private = []
    for index, zone in enumerate(["a", "b"]):
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=f"10.55.{index}.0/24",
            AvailabilityZone=f"{REGION}{zone}",
            TagSpecifications=[
                {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"{VPC_NAME}-private-{zone}"}]}
            ],
        )
        subnet_id = subnet["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=route_table, SubnetId=subnet_id)
        private.append(subnet_id)
    public = ec2.create_subnet(
        VpcId=vpc,
        CidrBlock="10.55.100.0/24",
        AvailabilityZone=f"{REGION}a",
        TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"{VPC_NAME}-public-a"}]}],
    )["Subnet"]["SubnetId"]
    return Network(
        vpc_id=vpc,
        cidr=cidr,
        private_subnet_ids=sorted(private),
        public_subnet_id=public,
        private_route_table_id=route_table,
    )


def _render(template: Path, **values: str) -> str:
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def _workspace(tmp: Path, aws: Emulator) -> Path:
    """Copies terraform/ (code only) and adds the emulator override and backend files."""
    workdir = tmp / "terraform"
    shutil.copytree(
        REPO / "terraform",
        workdir,
        ignore=shutil.ignore_patterns(
            ".terraform", ".terraform.lock.hcl", "*.tfstate*", "*_override.tf", "tests", "backend.hcl"
        ),
    )
    for root in ["bootstrap", *INIT_ORDER]:
        override = _render(HERE / "emulator_override.tf.tpl", ENDPOINT=aws.endpoint)
        if root in REMOTE_STATES:
            name, key_var = REMOTE_STATES[root]
            override += _render(
                HERE / "remote_state_override.tf.tpl", NAME=name, KEY_VAR=key_var, ENDPOINT=aws.endpoint
            )
        (workdir / root / "zz_emulator_override.tf").write_text(override, encoding="utf-8")
    (workdir / "backend.hcl").write_text(
        _render(HERE / "backend.hcl.tpl", BUCKET=STATE_BUCKET, REGION=REGION, ENDPOINT=aws.endpoint), encoding="utf-8"
    )
    return workdir


def _terraform_env(tmp: Path, credentials: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_VAR_"))}
    env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", AWS_REGION=REGION, AWS_EC2_METADATA_DISABLED="true", **credentials)
    # Offline: use the caller's CLI config if it exists (scripts/test-terraform.sh writes one), else our own
    # that installs the provider from the filesystem mirror only.
    if not os.path.isfile(env.get("TF_CLI_CONFIG_FILE", "")):
        mirror = env.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
        config = tmp / "terraform.tfrc"
        config.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n', encoding="utf-8"
        )
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("tf-emulator")
    aws = Emulator.start(region=REGION)
    try:
        network = _create_network(aws)
        admin = administrator_credentials(aws.client("iam"))
        admin_env = _terraform_env(tmp, admin)
        stack = Stack(aws=aws, network=network, workdir=_workspace(tmp, aws), env=admin_env, admin_env=admin_env)
        # The bootstrap root (local state) creates the state bucket the other roots' backend uses.
        stack.terraform("bootstrap", "init", "-input=false")
        stack.apply("bootstrap")
        role_arn = stack.outputs["bootstrap"]["deploy_role_arn"]
        stack.env = _terraform_env(tmp, web_identity_credentials(aws.client("sts"), role_arn))
        # From here on moto checks every call against the caller's policies; the tests' own API checks sign
        # as the administrator.
        aws.enforce_iam()
        aws.credentials = as_client_credentials(admin)
        for root in INIT_ORDER:
            stack.terraform(
                root,
                "init",
                "-input=false",
                f"-backend-config={stack.workdir / 'backend.hcl'}",
                f"-backend-config=key={root}.tfstate",
            )
        yield stack
    finally:
        aws.stop()
