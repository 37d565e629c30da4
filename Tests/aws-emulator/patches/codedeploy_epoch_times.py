"""FILLS: CodeDeploy application times as epoch seconds.

moto 5.2.x answers ``GetApplication`` / ``BatchGetApplications`` with ``createTime`` as an ISO-8601
string; AWS sends epoch seconds and the Go SDK (Terraform's provider) fails with "expected Timestamp
to be a JSON Number". This converts the application's ``createTime`` to epoch seconds. (Deployment
times are converted by ``codedeploy_deployments.py``.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from _patching import first_time, wrap
from moto.codedeploy import models


def _epoch(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return value


def apply() -> None:
    """Patches Application.to_dict; idempotent."""
    if not first_time(models.Application, __name__):
        return

    @wrap(models.Application, "to_dict")
    def to_dict(original: Any, self: Any) -> dict[str, Any]:
        info = original(self)
        info["createTime"] = _epoch(info.get("createTime"))
        return info
