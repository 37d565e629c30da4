"""FILLS: Application Auto Scaling ListTagsForResource, TagResource and UntagResource.

moto 5.2.x does not implement them, and Terraform's provider calls ``ListTagsForResource`` for every
``aws_appautoscaling_target`` (tags or not), so nothing could be applied. This keeps tags per resource
ARN in memory on the backend; tags of a deregistered target are dropped with it.
"""

from __future__ import annotations

import json
from typing import Any

from _patching import first_time, wrap
from moto.applicationautoscaling import models, responses


def _tags(backend: Any) -> dict[str, dict[str, str]]:
    if not hasattr(backend, "fake_tags"):
        backend.fake_tags = {}
    return backend.fake_tags


def _list_tags_for_resource(self: Any) -> str:
    arn = self._get_param("ResourceARN")
    return json.dumps({"Tags": _tags(self.applicationautoscaling_backend).get(arn, {})})


def _tag_resource(self: Any) -> str:
    arn = self._get_param("ResourceARN")
    _tags(self.applicationautoscaling_backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
    return "{}"


def _untag_resource(self: Any) -> str:
    arn = self._get_param("ResourceARN")
    tags = _tags(self.applicationautoscaling_backend).get(arn, {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return "{}"


def apply() -> None:
    """Adds the tag operations and keeps RegisterScalableTarget's Tags; idempotent."""
    response = responses.ApplicationAutoScalingResponse
    if not first_time(response, __name__):
        return
    response.list_tags_for_resource = _list_tags_for_resource
    response.tag_resource = _tag_resource
    response.untag_resource = _untag_resource

    @wrap(response, "register_scalable_target")
    def register_scalable_target(original: Any, self: Any) -> str:
        body = original(self)
        tags = self._get_param("Tags")
        arn = json.loads(body).get("ScalableTargetARN")
        if tags and arn:
            _tags(self.applicationautoscaling_backend).setdefault(arn, {}).update(tags)
        return body

    @wrap(response, "deregister_scalable_target")
    def deregister_scalable_target(original: Any, self: Any) -> str:
        backend = self.applicationautoscaling_backend
        before = {t.arn for t in _all_targets(backend)}
        body = original(self)
        for arn in before - {t.arn for t in _all_targets(backend)}:
            _tags(backend).pop(arn, None)
        return body


def _all_targets(backend: Any) -> list[Any]:
    return [t for by_dimension in backend.targets.values() for t in by_dimension.values()]


_ = models  # imported so a moto without this module fails loudly at patch time
