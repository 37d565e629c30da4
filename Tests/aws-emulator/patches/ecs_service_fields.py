"""FILLS: ECS service fields moto 5.2.x drops on CreateService.

moto does not store ``healthCheckGracePeriodSeconds``, ``enableECSManagedTags``,
``availabilityZoneRebalancing`` or ``enableExecuteCommand`` when a service is created, so
``DescribeServices`` leaves them out and every later Terraform plan wants to change them. This copies
them from the request onto moto's service record (its response serializer reads them from there).
Nothing more: the service still never runs tasks.
"""

from __future__ import annotations

from typing import Any

from _patching import first_time, wrap
from moto.ecs import responses

# CreateService request field -> attribute moto's serializer reads.
_FIELDS = {
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "enableExecuteCommand": "enable_execute_command",
}


def apply() -> None:
    """Wraps EC2ContainerServiceResponse.create_service (and update_service); idempotent."""
    response = responses.EC2ContainerServiceResponse
    if not first_time(response, __name__):
        return

    def _store(self: Any) -> None:
        cluster = self._get_param("cluster", "default")
        name = self._get_param("serviceName") or self._get_param("service")
        services, _ = self.ecs_backend.describe_services(cluster, [name])
        for service in services:
            for field, attribute in _FIELDS.items():
                value = self._get_param(field)
                if value is not None:
                    setattr(service, attribute, value)

    for name in ("create_service", "update_service"):

        @wrap(response, name)
        def stored(original: Any, self: Any) -> Any:
            result = original(self)
            _store(self)
            return result
