"""TEST DOUBLE: CodeDeploy deployments that progress when a test says so.

What it fakes: moto 5.2.1 stores a deployment in status ``Created`` and never moves it (nothing happens to
the ECS service either). With this patch, every ``GetDeployment`` / ``BatchGetDeployments`` of a deployment
that has not ended yet reads a control file and, if it exists, moves the deployment on:

    {"status": "Succeeded" | "Failed" | "Stopped", "afterPolls": 2,
     "errorInformation": {"code": "HEALTH_CONSTRAINTS", "message": "..."},
     "trafficShiftedAfterPolls": 1,
     "rollback": {"status": "Succeeded" | "Failed", "afterPolls": 1}}

The first ``afterPolls - 1`` reads answer ``InProgress``; the read after that answers ``status`` (with
``errorInformation`` for Failed/Stopped, and ``completeTime``). From read ``trafficShiftedAfterPolls`` on
(if given) the deployment reports ``instanceTerminationWaitTimeStarted: true``: all traffic is on the
replacement tasks and CodeDeploy waits before terminating the original ones (a Succeeded deployment reports
it too). No control file (or no ``FAKE_CODEDEPLOY_CONTROL`` in the emulator's environment) keeps moto's
behaviour: the deployment stays ``Created`` forever, which is what a watcher's timeout test needs.

Rollbacks, as CodeDeploy documents them ("Redeploy and roll back a deployment with CodeDeploy"): when a
deployment fails and its group's ``autoRollbackConfiguration`` is enabled for ``DEPLOYMENT_FAILURE``, or it
is stopped with ``autoRollbackEnabled``, a new deployment is created with ``creator: codeDeployRollback``;
the failed one's ``rollbackInfo`` names it (``rollbackDeploymentId``) and it names the failed one
(``rollbackTriggeringDeploymentId``). The rollback progresses like any deployment, as the control file's
``rollback`` entry says (default: Succeeded at its first read). It changes nothing in ECS: the double never
moved the service off its task definition.

One deployment at a time per group (CreateDeployment: "DeploymentLimitExceededException — the number of
allowed deployments was exceeded"; a group runs one deployment at a time): ``CreateDeployment`` in a group
with a deployment that has not ended is refused with ``DeploymentLimitExceededException``, as AWS does.

The control file's path comes from the environment variable ``FAKE_CODEDEPLOY_CONTROL`` of the emulator
process; the file is read on every poll, so a test may write, change or delete it while the emulator runs.

Nothing here deploys anything: no task set is created and no traffic moves. The one effect of a faked
``Succeeded`` is the one the pipeline reads back: the ECS services of the deployment group are switched to
the AppSpec's ``TaskDefinition`` (what CodeDeploy leaves behind after a blue/green deployment), so the next
"does the service run this task definition?" check sees the result. It also reports the deployment's times
as epoch seconds, as AWS does (moto sends ISO strings), and adds ``StopDeployment`` (moto lacks it): an
unfinished deployment becomes ``Stopped`` with a MANUAL_STOP error, and a rollback as above when asked for.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from typing import Any

import yaml
from _patching import first_time
from moto.codedeploy import models, responses
from moto.codedeploy.exceptions import CodeDeployException
from moto.ecs.models import ecs_backends

CONTROL_ENV = "FAKE_CODEDEPLOY_CONTROL"
FINAL_STATUSES = frozenset({"Succeeded", "Failed", "Stopped"})
DEFAULT_ERRORS = {
    "Failed": {"code": "HEALTH_CONSTRAINTS", "message": "fake: the deployment failed (test double)"},
    "Stopped": {"code": "MANUAL_STOP", "message": "fake: the deployment was stopped (test double)"},
}
DEFAULT_ROLLBACK = {"status": "Succeeded", "afterPolls": 1}


class DeploymentLimitExceededException(CodeDeployException):
    def __init__(self, message: str):
        super().__init__("DeploymentLimitExceededException", message)


def _control() -> dict[str, Any] | None:
    path = os.environ.get(CONTROL_ENV)
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        control = json.load(handle)
    if control.get("status") not in FINAL_STATUSES:
        raise ValueError(f"{path}: status must be one of {sorted(FINAL_STATUSES)}")
    return control


def _advance(backend: Any, deployment: models.DeploymentInfo) -> None:
    """Moves one deployment on by one poll, as the control file says."""
    if deployment.status in FINAL_STATUSES:
        return
    control = _control()
    if control is None:
        return
    is_rollback = hasattr(deployment, "fake_rollback_of")
    plan = (control.get("rollback") or DEFAULT_ROLLBACK) if is_rollback else control
    polls = getattr(deployment, "fake_polls", 0) + 1
    deployment.fake_polls = polls  # type: ignore[attr-defined]
    now = time.time()
    if deployment.start_time is None:
        deployment.start_time = now
    shifted_after = control.get("trafficShiftedAfterPolls")
    if not is_rollback and shifted_after is not None and polls >= int(shifted_after):
        deployment.instance_termination_wait_time_started = True
    if polls < int(plan.get("afterPolls", 1)):
        deployment.status = "InProgress"
        return
    status = plan["status"]
    deployment.status = status
    deployment.complete_time = now
    if status == "Succeeded":
        deployment.instance_termination_wait_time_started = True
        if not is_rollback:
            _switch_services(deployment)
        return
    deployment.fake_error = (None if is_rollback else control.get("errorInformation")) or DEFAULT_ERRORS[status]  # type: ignore[attr-defined]
    if status == "Failed" and not is_rollback and _rolls_back_on_failure(deployment):
        _start_rollback(backend, deployment)


def _rolls_back_on_failure(deployment: models.DeploymentInfo) -> bool:
    config = deployment.deployment_group.auto_rollback_configuration or {}
    return bool(config.get("enabled")) and "DEPLOYMENT_FAILURE" in (config.get("events") or [])


def _start_rollback(backend: Any, failed: models.DeploymentInfo) -> None:
    """The deployment CodeDeploy creates to roll a failed or stopped one back."""
    rollback = models.DeploymentInfo(
        failed.application,
        failed.deployment_group,
        failed.revision,
        failed.deployment_config_name,
        f"rollback of {failed.deployment_id}",
        None,
        None,
        None,
        None,
        None,
        None,
        "codeDeployRollback",
    )
    rollback.fake_rollback_of = failed.deployment_id  # type: ignore[attr-defined]
    backend.deployments[rollback.deployment_id] = rollback
    failed.fake_rollback_id = rollback.deployment_id  # type: ignore[attr-defined]


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


def _rollback_info(deployment: Any, backend_deployments: dict[str, Any]) -> dict[str, Any] | None:
    if hasattr(deployment, "fake_rollback_of"):
        return {"rollbackTriggeringDeploymentId": deployment.fake_rollback_of}
    if hasattr(deployment, "fake_rollback_id"):
        rollback = backend_deployments.get(deployment.fake_rollback_id)
        state = rollback.status if rollback is not None else "unknown"
        return {
            "rollbackDeploymentId": deployment.fake_rollback_id,
            "rollbackMessage": f"fake: automatic rollback {deployment.fake_rollback_id} is {state}",
        }
    if hasattr(deployment, "fake_rollback"):
        return {"rollbackMessage": f"fake: automatic rollback requested: {deployment.fake_rollback}"}
    return None


def _epoch(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return value


def apply() -> None:
    """Patches moto's CodeDeploy backend; idempotent."""
    backend = models.CodeDeployBackend
    if not first_time(backend, __name__):
        return
    original_get = backend.get_deployment
    original_batch = backend.batch_get_deployments
    original_create = backend.create_deployment
    original_to_dict = models.DeploymentInfo.to_dict

    def get_deployment(self: Any, deployment_id: str) -> models.DeploymentInfo:
        deployment = original_get(self, deployment_id)
        _advance(self, deployment)
        deployment.fake_backend = self  # type: ignore[attr-defined]
        return deployment

    def batch_get_deployments(self: Any, deployment_ids: list[str]) -> list[models.DeploymentInfo]:
        deployments = original_batch(self, deployment_ids)
        for deployment in deployments:
            _advance(self, deployment)
            deployment.fake_backend = self  # type: ignore[attr-defined]
        return deployments

    def create_deployment(
        self: Any, application_name: str, deployment_group_name: str, *args: Any, **kwargs: Any
    ) -> str:
        running = [
            d.deployment_id
            for d in self.deployments.values()
            if d.application_name == application_name
            and d.deployment_group_name == deployment_group_name
            and d.status not in FINAL_STATUSES
        ]
        if running:
            raise DeploymentLimitExceededException(
                f"The deployment group {deployment_group_name} has an active deployment: {running[0]}"
            )
        return original_create(self, application_name, deployment_group_name, *args, **kwargs)

    def to_dict(self: Any) -> dict[str, Any]:
        info = original_to_dict(self)
        info["errorInformation"] = getattr(self, "fake_error", {})
        if getattr(self, "fake_backend", None) is not None:
            rollback = _rollback_info(self, self.fake_backend.deployments)
            if rollback:
                info["rollbackInfo"] = rollback
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
        if rollback:
            _start_rollback(self.codedeploy_backend, deployment)
        return json.dumps({"status": "Pending", "statusMessage": "fake: stopping (test double)"})

    backend.get_deployment = get_deployment
    backend.batch_get_deployments = batch_get_deployments
    backend.create_deployment = create_deployment
    models.DeploymentInfo.to_dict = to_dict
    responses.CodeDeployResponse.stop_deployment = stop_deployment
