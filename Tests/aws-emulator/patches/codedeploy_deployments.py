"""TEST DOUBLE: CodeDeploy deployments that progress when a test says so.

What it fakes: moto 5.2.1 stores a deployment in status ``Created`` and never moves it (nothing happens to
the ECS service either). With this patch, every ``GetDeployment`` / ``BatchGetDeployments`` of a deployment
that has not ended yet reads a control file and, if it exists, moves the deployment on:

    {"status": "Succeeded" | "Failed" | "Stopped", "afterPolls": 2,
     "errorInformation": {"code": "HEALTH_CONSTRAINTS", "message": "..."}}

The first ``afterPolls - 1`` reads answer ``InProgress``; the read after that answers ``status`` (with
``errorInformation`` for Failed/Stopped, and ``completeTime``). No control file (or no
``FAKE_CODEDEPLOY_CONTROL`` in the emulator's environment) keeps moto's behaviour: the deployment stays
``Created`` forever, which is what a watcher's timeout test needs.

The control file's path comes from the environment variable ``FAKE_CODEDEPLOY_CONTROL`` of the emulator
process; the file is read on every poll, so a test may write, change or delete it while the emulator runs.

Nothing here deploys anything: no task set is created and no traffic moves. The one effect of a faked
``Succeeded`` is the one the pipeline reads back: the ECS services of the deployment group are switched to
the AppSpec's ``TaskDefinition`` (what CodeDeploy leaves behind after a blue/green deployment), so the next
"does the service run this task definition?" check sees the result. It lets the pipeline's create-and-watch
logic be exercised end to end. It also reports the deployment's times as epoch seconds, as AWS does (moto
sends ISO strings), and adds ``StopDeployment`` (moto lacks it): an unfinished deployment becomes ``Stopped``
with a MANUAL_STOP error and ``rollbackInfo`` saying whether a rollback was asked for; nothing is rolled back.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from typing import Any

import yaml
from moto.codedeploy import models, responses
from moto.ecs.models import ecs_backends

CONTROL_ENV = "FAKE_CODEDEPLOY_CONTROL"
FINAL_STATUSES = frozenset({"Succeeded", "Failed", "Stopped"})
DEFAULT_ERRORS = {
    "Failed": {"code": "HEALTH_CONSTRAINTS", "message": "fake: the deployment failed (test double)"},
    "Stopped": {"code": "MANUAL_STOP", "message": "fake: the deployment was stopped (test double)"},
}


def _control() -> dict[str, Any] | None:
    path = os.environ.get(CONTROL_ENV)
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        control = json.load(handle)
    if control.get("status") not in FINAL_STATUSES:
        raise ValueError(f"{path}: status must be one of {sorted(FINAL_STATUSES)}")
    return control


def _advance(deployment: models.DeploymentInfo) -> None:
    """Moves one deployment on by one poll, as the control file says."""
    if deployment.status in FINAL_STATUSES:
        return
    control = _control()
    if control is None:
        return
    polls = getattr(deployment, "fake_polls", 0) + 1
    deployment.fake_polls = polls  # type: ignore[attr-defined]
    now = time.time()
    if deployment.start_time is None:
        deployment.start_time = now
    if polls < int(control.get("afterPolls", 1)):
        deployment.status = "InProgress"
        return
    status = control["status"]
    deployment.status = status
    deployment.complete_time = now
    if status == "Succeeded":
        _switch_services(deployment)
    else:
        deployment.fake_error = control.get("errorInformation") or DEFAULT_ERRORS[status]  # type: ignore[attr-defined]


def _switch_services(deployment: models.DeploymentInfo) -> None:
    """Points the group's ECS services at the AppSpec's task definition, as a finished deployment does."""
    revision = deployment.revision or {}
    content = (revision.get("appSpecContent") or {}).get("content")
    if not content:
        return
    appspec = yaml.safe_load(content)
    arn = appspec["Resources"][0]["TargetService"]["Properties"]["TaskDefinition"]
    # arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION, in the account and region of the service.
    _, _, _, region, account, _ = arn.split(":", 5)
    services = ecs_backends[account][region].services
    for target in deployment.deployment_group.ecs_services:
        service = services.get(f"{target['clusterName']}:{target['serviceName']}")
        if service is not None:
            service.task_definition = arn


def _epoch(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return value


def apply() -> None:
    """Patches moto's CodeDeploy backend; idempotent."""
    backend = models.CodeDeployBackend
    if getattr(backend, "_fake_deployments_patched", False):
        return
    original_get = backend.get_deployment
    original_batch = backend.batch_get_deployments
    original_to_dict = models.DeploymentInfo.to_dict

    def get_deployment(self: Any, deployment_id: str) -> models.DeploymentInfo:
        deployment = original_get(self, deployment_id)
        _advance(deployment)
        return deployment

    def batch_get_deployments(self: Any, deployment_ids: list[str]) -> list[models.DeploymentInfo]:
        deployments = original_batch(self, deployment_ids)
        for deployment in deployments:
            _advance(deployment)
        return deployments

    def to_dict(self: Any) -> dict[str, Any]:
        info = original_to_dict(self)
        info["errorInformation"] = getattr(self, "fake_error", {})
        if hasattr(self, "fake_rollback"):
            info["rollbackInfo"] = {"rollbackMessage": f"fake: automatic rollback requested: {self.fake_rollback}"}
        for key in ("createTime", "startTime", "completeTime"):
            info[key] = _epoch(info[key])
        return {key: value for key, value in info.items() if value is not None}

    def stop_deployment(self: Any) -> str:
        deployment = original_get(self.codedeploy_backend, self._get_param("deploymentId"))
        if deployment.status in FINAL_STATUSES:
            return json.dumps({"status": "Succeeded", "statusMessage": f"already {deployment.status}"})
        rollback = bool(self._get_param("autoRollbackEnabled"))
        deployment.status = "Stopped"
        deployment.complete_time = time.time()
        deployment.fake_error = DEFAULT_ERRORS["Stopped"]  # type: ignore[attr-defined]
        deployment.fake_rollback = rollback  # type: ignore[attr-defined]
        return json.dumps({"status": "Pending", "statusMessage": "fake: stopping (test double)"})

    backend.get_deployment = get_deployment
    backend.batch_get_deployments = batch_get_deployments
    models.DeploymentInfo.to_dict = to_dict
    responses.CodeDeployResponse.stop_deployment = stop_deployment
    backend._fake_deployments_patched = True
