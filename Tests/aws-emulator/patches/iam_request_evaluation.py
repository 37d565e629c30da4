"""FILLS: action names and resource matching of moto's IAM enforcement, for the services the roots use.

moto checks identity policies only once enforcement is on (``INITIAL_NO_AUTH_ACTION_COUNT``, or at run time
``POST /moto-api/reset-auth`` with the number of calls still free). Two things make it refuse calls that AWS
allows under our deploy policies:

1. Action names. moto builds the action from the request's SigV4 credential scope, ``<scope>:<Operation>``.
   CloudWatch signs as ``monitoring``, but its IAM prefix is ``cloudwatch``; API Gateway's HTTP API actions are
   the HTTP verbs on resource paths (``apigateway:POST``), not operation names ("Actions, resources, and
   condition keys for Amazon API Gateway Management V2"). Both are renamed here.
2. Resources. moto knows a request's resource only for IAM role actions (the RoleName's ARN), sts:AssumeRole
   and S3; every other request is evaluated against ``*``, which no resource-scoped statement matches, so
   every scoped Allow would deny. FAKED: for such a request an Allow statement applies on its actions alone,
   and a Deny that names specific resources does not apply. Offline, the action lists are therefore proven;
   the resource scoping only for IAM roles and S3 (the rest needs a real account).

3. Signatures. moto recomputes each request's SigV4 signature and gets it wrong for REST-style services (API
   Gateway v2 answered SignatureDoesNotMatch to a correctly signed GetApis). FAKED: signatures are not
   verified; the caller is still identified by its access key (and session token), which must exist.

Conditions stay as moto and ``iam_policy_conditions.py`` evaluate them (operators other than StringEquals and
Bool, and context keys a request does not carry, match): conditional Allows act as unconditional here.
"""

from __future__ import annotations

from typing import Any

from _patching import first_time, wrap
from moto.iam import access_control

SCOPE_TO_PREFIX = {"monitoring": "cloudwatch"}


def _names_specific_resources(statement: dict[str, Any]) -> bool:
    resources = statement.get("Resource")
    if not resources:
        return False  # trust policies have none
    listed = resources if isinstance(resources, list) else [resources]
    return "*" not in listed


def apply() -> None:
    """Renames the two services' actions and matches unknown resources by action; idempotent."""
    request = access_control.IAMRequestBase
    statement = access_control.IAMPolicyStatement
    if not first_time(request, __name__):
        return

    @wrap(request, "__init__")
    def __init__(original: Any, self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 (patched constructor)
        original(self, *args, **kwargs)
        service, _, operation = self._action.partition(":")
        if service == "apigateway":
            self._action = f"apigateway:{self._method.upper()}"
        elif service in SCOPE_TO_PREFIX:
            self._action = f"{SCOPE_TO_PREFIX[service]}:{operation}"

    @wrap(statement, "is_action_permitted")
    def is_action_permitted(
        original: Any,
        self: Any,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> Any:
        if resource == "*" and principal is None and _names_specific_resources(self._statement):
            if self._statement.get("Effect") == "Deny":
                return access_control.PermissionResult.NEUTRAL
            by_action = statement({**self._statement, "Resource": "*"})
            return original(by_action, action, resource, principal, incoming_condition_values)
        return original(self, action, resource, principal, incoming_condition_values)

    request.check_signature = lambda self: None
