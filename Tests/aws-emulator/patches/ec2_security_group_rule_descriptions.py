"""FILLS: descriptions of security group rules that reference a group or a prefix list.

moto 5.2.x keeps a rule's ``Description`` only for CIDR rules: ``DescribeSecurityGroupRules`` answers no
description for a rule whose source/destination is another security group or a prefix list, so every
later Terraform plan wants to set it again. This makes moto's rule report the description it was
given in the group pair or prefix-list entry as well.
"""

from __future__ import annotations

from typing import Any

from _patching import first_time, wrap
from moto.ec2.models import security_groups


def apply() -> None:
    """Replaces SecurityGroupRule.description and records prefix-list descriptions; idempotent."""
    rule = security_groups.SecurityGroupRule
    if not first_time(rule, __name__):
        return

    @wrap(rule, "__init__")
    def __init__(original: Any, self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 (patched constructor)
        original(self, *args, **kwargs)
        # (ec2_backend, ip_protocol, group_id, from_port, to_port, ip_range, source_group, prefix_list_id)
        prefix_list = kwargs.get("prefix_list_id", args[7] if len(args) > 7 else None)
        self.fake_prefix_list_description = (prefix_list or {}).get("Description")

    def description(self: Any) -> str | None:
        return (
            self.ip_range.get("Description")
            or (self.source_group or {}).get("Description")
            or getattr(self, "fake_prefix_list_description", None)
        )

    rule.description = property(description)
