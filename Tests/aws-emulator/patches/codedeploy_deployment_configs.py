"""FILLS: CodeDeploy GetDeploymentConfig for the predefined ECS deployment configurations.

moto 5.2.x does not implement ``GetDeploymentConfig``; the pipeline reads it to size its wait for a
deployment (traffic-shift time). This answers it for the five predefined ECS configurations, with the
traffic routing AWS documents for them ("Deployment configurations on an Amazon ECS compute platform",
CodeDeploy User Guide): AllAtOnce; Linear 10 % every 1 or 3 minutes; Canary 10 % then the rest after 5 or
15 minutes. Any other name answers ``DeploymentConfigDoesNotExistException``, as AWS does for an unknown
configuration. Nothing is stored: predefined configurations exist in every account and region.
"""

from __future__ import annotations

import json
from typing import Any

from _patching import first_time
from moto.codedeploy import responses
from moto.codedeploy.exceptions import CodeDeployException


def _linear(percentage: int, minutes: int) -> dict[str, Any]:
    return {"type": "TimeBasedLinear", "timeBasedLinear": {"linearPercentage": percentage, "linearInterval": minutes}}


def _canary(percentage: int, minutes: int) -> dict[str, Any]:
    return {"type": "TimeBasedCanary", "timeBasedCanary": {"canaryPercentage": percentage, "canaryInterval": minutes}}


PREDEFINED_ECS = {
    "CodeDeployDefault.ECSAllAtOnce": {"type": "AllAtOnce"},
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": _linear(10, 1),
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": _linear(10, 3),
    "CodeDeployDefault.ECSCanary10Percent5Minutes": _canary(10, 5),
    "CodeDeployDefault.ECSCanary10Percent15Minutes": _canary(10, 15),
}


class DeploymentConfigDoesNotExistException(CodeDeployException):
    def __init__(self, message: str):
        super().__init__("DeploymentConfigDoesNotExistException", message)


def apply() -> None:
    """Adds GetDeploymentConfig to moto's CodeDeploy responses; idempotent."""
    response = responses.CodeDeployResponse
    if not first_time(response, __name__):
        return

    def get_deployment_config(self: Any) -> str:
        name = self._get_param("deploymentConfigName")
        routing = PREDEFINED_ECS.get(name)
        if routing is None:
            raise DeploymentConfigDoesNotExistException(f"The deployment configuration {name} does not exist.")
        return json.dumps(
            {
                "deploymentConfigInfo": {
                    "deploymentConfigId": name,
                    "deploymentConfigName": name,
                    "computePlatform": "ECS",
                    "createTime": 0,
                    "trafficRoutingConfig": routing,
                }
            }
        )

    response.get_deployment_config = get_deployment_config
