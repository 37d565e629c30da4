"""The two moves every patch makes, in one place (the launcher skips files starting with "_"): run apply()
once per process, and replace a method by a function that receives the original first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def first_time(owner: Any, patch: str) -> bool:
    """True the first time `patch` (a patch module's __name__) asks about owner, then False: apply() returns
    at once when it is called again (tests start the launcher's patches more than once in one process)."""
    marker = "_emulator_patch_" + patch.rpartition(".")[2]
    if getattr(owner, marker, False):
        return False
    setattr(owner, marker, True)
    return True


def wrap(owner: Any, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: owner.<name> becomes the decorated function, called as replacement(original, self, ...)."""

    def decorate(replacement: Callable[..., Any]) -> Callable[..., Any]:
        original = getattr(owner, name)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            return replacement(original, self, *args, **kwargs)

        wrapper.__name__ = name
        wrapper.__doc__ = replacement.__doc__
        setattr(owner, name, wrapper)
        return wrapper

    return decorate
