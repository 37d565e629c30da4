"""FILLS: CodeDeploy DeleteApplication, DeleteDeploymentGroup, UpdateDeploymentGroup and alarm settings.

moto 5.2.x does not implement ``DeleteApplication``, ``DeleteDeploymentGroup`` or
``UpdateDeploymentGroup`` (Terraform needs them to destroy and to change a deployment group), and its
``GetDeploymentGroup`` always answers ``alarmConfiguration: {}`` although it stores what was sent, so a
second plan would always want to change the alarms. This adds the three operations to moto's backend
and response classes (they only edit moto's in-memory records) and reports the stored alarm
configuration. Nothing is deployed or cleaned up in ECS: like AWS, deleting a group leaves the ECS
service alone.
"""

from __future__ import annotations

import json
from typing import Any

from _patching import first_time, wrap
from moto.codedeploy import models, responses

# UpdateDeploymentGroup request field -> DeploymentGroup attribute.
_UPDATABLE = {
    "deploymentConfigName": "deployment_config_name",
    "ec2TagFilters": "ec2_tag_filters",
    "onPremisesInstanceTagFilters": "on_premises_instance_tag_filters",
    "autoScalingGroups": "auto_scaling_groups",
    "serviceRoleArn": "service_role_arn",
    "triggerConfigurations": "trigger_configurations",
    "alarmConfiguration": "alarm_configuration",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "outdatedInstancesStrategy": "outdated_instances_strategy",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ec2TagSet": "ec2_tag_set",
    "ecsServices": "ecs_services",
    "onPremisesTagSet": "on_premises_tag_set",
    "terminationHookEnabled": "termination_hook_enabled",
}


def _delete_application(self: Any, application_name: str) -> None:
    self.get_application(application_name)  # raises ApplicationDoesNotExistException
    del self.applications[application_name]
    self.deployment_groups.pop(application_name, None)


def _delete_deployment_group(self: Any, application_name: str, deployment_group_name: str) -> None:
    self.get_deployment_group(application_name, deployment_group_name)  # raises if missing
    del self.deployment_groups[application_name][deployment_group_name]


def _update_deployment_group(
    self: Any, application_name: str, current_name: str, new_name: str | None, changes: dict[str, Any]
) -> None:
    group = self.get_deployment_group(application_name, current_name)
    for field, attribute in _UPDATABLE.items():
        if field in changes and changes[field] is not None:
            setattr(group, attribute, changes[field])
    if new_name and new_name != current_name:
        groups = self.deployment_groups[application_name]
        groups[new_name] = groups.pop(current_name)
        group.deployment_group_name = new_name


def _response_delete_application(self: Any) -> str:
    self.codedeploy_backend.delete_application(self._get_param("applicationName"))
    return "{}"


def _response_delete_deployment_group(self: Any) -> str:
    self.codedeploy_backend.delete_deployment_group(
        self._get_param("applicationName"), self._get_param("deploymentGroupName")
    )
    return json.dumps({"hooksNotCleanedUp": []})


def _response_update_deployment_group(self: Any) -> str:
    changes = {field: self._get_param(field) for field in _UPDATABLE}
    self.codedeploy_backend.update_deployment_group(
        self._get_param("applicationName"),
        self._get_param("currentDeploymentGroupName"),
        self._get_param("newDeploymentGroupName"),
        changes,
    )
    return json.dumps({"hooksNotCleanedUp": []})


def apply() -> None:
    """Adds the operations to moto's CodeDeploy classes; idempotent."""
    backend = models.CodeDeployBackend
    if not first_time(backend, __name__):
        return
    backend.delete_application = _delete_application
    backend.delete_deployment_group = _delete_deployment_group
    backend.update_deployment_group = _update_deployment_group
    response = responses.CodeDeployResponse
    response.delete_application = _response_delete_application
    response.delete_deployment_group = _response_delete_deployment_group
    response.update_deployment_group = _response_update_deployment_group

    @wrap(models.DeploymentGroup, "to_dict")
    def to_dict(original: Any, self: Any) -> dict[str, Any]:
        info = original(self)
        info["alarmConfiguration"] = self.alarm_configuration or {}
        return info
