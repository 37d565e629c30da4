"""FILLS: policy conditions on ``aws:SecureTransport`` (the state bucket's TLS-only bucket policy).

moto 5.2.x evaluates only ``StringEquals`` conditions and treats any other operator as matching, so the
state bucket's statement "Deny s3:* when Bool aws:SecureTransport is false" denied every request, and
Terraform's S3 backend got 403. It also answers DENIED for a statement whose condition does not match,
whatever its Effect, where AWS simply skips the statement.

This patch (1) adds the ``Bool`` operator, (2) evaluates every request with ``aws:SecureTransport`` =
"true" — FAKED: the emulator serves plain HTTP on 127.0.0.1, while on AWS every request the tools make
comes over TLS — and (3) makes a statement whose conditions do not match NEUTRAL (not applying), as on AWS.
A TLS-only bucket policy therefore behaves as on AWS for the (TLS) requests of the tools; other policy
evaluation stays moto's.
"""

from __future__ import annotations

from typing import Any

from _patching import first_time, wrap
from moto.iam import access_control, policy_conditions

FAKED_CONTEXT = {"aws:SecureTransport": "true"}


def _bool_equals(expected: Any, actual: str) -> bool:
    values = expected if isinstance(expected, list) else [expected]
    return str(actual).lower() in [str(v).lower() for v in values]


def apply() -> None:
    """Adds Bool, the faked TLS context and NEUTRAL for unmatched conditions; idempotent."""
    statement = access_control.IAMPolicyStatement
    if not first_time(statement, __name__):
        return
    policy_conditions.CONDITION_OPERATIONS.setdefault("Bool", _bool_equals)

    @wrap(statement, "is_action_permitted")
    def is_action_permitted(
        original: Any,
        self: Any,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> Any:
        context = {**FAKED_CONTEXT, **(incoming_condition_values or {})}
        if self._statement.get("Condition") and not self._check_conditions(context):
            return access_control.PermissionResult.NEUTRAL
        return original(self, action, resource, principal, context)
