"""Fixtures for the tests against the real image on a real Docker engine (scripts/test-container.sh
builds the image and passes its tag in CONTAINER_TEST_IMAGE)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from dockerctl import TEST_IMAGE_URI, Container, run_container


@pytest.fixture(scope="session")
def image() -> str:
    tag = os.environ.get("CONTAINER_TEST_IMAGE")
    if not tag:
        pytest.fail("CONTAINER_TEST_IMAGE is not set: run scripts/test-container.sh, which builds the image")
    return tag


@pytest.fixture
def start(image: str) -> Iterator[Callable[..., Container]]:
    """Starts containers of the image (read-only root, free port) and removes them afterwards."""
    started: list[Container] = []

    def _start(env: dict[str, str] | None = None, extra: list[str] | None = None) -> Container:
        container = run_container(image, env=env, extra=extra)
        started.append(container)
        return container

    yield _start
    for container in started:
        container.remove()


@pytest.fixture(scope="module")
def app(image: str) -> Iterator[Container]:
    """One healthy container shared by the read-only HTTP checks of a module."""
    container = run_container(image, env={"IMAGE": TEST_IMAGE_URI, "BASE_PATH": "dev"})
    try:
        container.wait_healthy()
        yield container
    finally:
        container.remove()
