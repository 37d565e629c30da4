"""The base images by digest and the build platform are image inputs: image-tag.sh resolves each base image the
Dockerfile's FROM lines name (their ARG defaults) to its digest for DOCKER_BUILD_PLATFORM and hashes it, and
ensure-image.sh builds with exactly those digests. A base image's security fix (same tag, new digest) or a
switch of platform gives a new tag; an image that cannot be resolved gives no tag at all.

Test double: Tests/workflows/fakes/docker answers `docker buildx imagetools inspect --raw IMAGE` as a registry
in which every image exists (its docstring says how digests are derived, and how FAKE_REGISTRY_UPDATED and
FAKE_REGISTRY_MISSING change them); it builds nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from workflow_support import FAKES, REPO, Result, aws_cli, docker_calls, run


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The repository's image inputs (its real Dockerfile, so its real base images)."""
    root = tmp_path / "src"
    for relative in ("Dockerfile", ".dockerignore", "Package.swift", "nginx", "scripts/entrypoint.sh"):
        source = REPO / relative
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The fake docker first on PATH; nothing else from the caller's environment."""
    return {
        "PATH": f"{FAKES}:/usr/local/bin:/usr/bin:/bin",
        "FAKE_DOCKER_LOG": str(tmp_path / "docker.log"),
        "DOCKER_BUILD_PLATFORM": "linux/amd64",
    }


def image_tag(tree: Path, env: dict[str, str], **changes: str) -> dict[str, str]:
    result = run("image-tag.sh", "--source-dir", str(tree), env=dict(env, **changes))
    assert result.code == 0, result.stderr
    return result.outputs


def base_images(outputs: dict[str, str]) -> dict[str, str]:
    """NAME -> IMAGE@sha256:... from image-tag.sh's base_images output."""
    return dict(entry.split("=", 1) for entry in outputs["base_images"].split())


def registry_index(image: str, env: dict[str, str], **changes: str) -> dict:
    """What the (fake) registry answers for IMAGE: its image index."""
    answer = subprocess.run(
        ["docker", "buildx", "imagetools", "inspect", "--raw", image],
        env=dict(env, **changes),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)


def test_each_base_image_of_the_dockerfile_is_pinned_to_its_platform_manifest(tree: Path, env: dict[str, str]) -> None:
    """Every FROM's build argument, with its default image and the digest of that platform's manifest (not the
    index, not another platform's, not an attestation's)."""
    dockerfile = (tree / "Dockerfile").read_text()
    for platform, arch in (("linux/amd64", "amd64"), ("linux/arm64", "arm64")):
        pinned = base_images(image_tag(tree, env, DOCKER_BUILD_PLATFORM=platform))
        assert pinned, "the Dockerfile's FROM lines name base images"
        for name, reference in pinned.items():
            image, digest = reference.split("@")
            assert f"ARG {name}={image}\n" in dockerfile and "${" + name + "}" in dockerfile
            manifests = registry_index(image, env)["manifests"]
            (expected,) = [m["digest"] for m in manifests if m["platform"]["architecture"] == arch]
            assert digest == expected


def test_same_inputs_give_the_same_tag(tree: Path, env: dict[str, str]) -> None:
    assert image_tag(tree, env) == image_tag(tree, env)


def test_a_new_base_image_digest_gives_a_new_tag(tree: Path, env: dict[str, str]) -> None:
    """A security fix of one base image (same tag, new digest) and nothing else changed: a new tag, so Deploy
    rebuilds. Each base image on its own."""
    before = image_tag(tree, env)
    for name, reference in base_images(before).items():
        image = reference.split("@")[0]
        after = image_tag(tree, env, FAKE_REGISTRY_UPDATED=image)
        assert after["image_tag"] != before["image_tag"], f"{name} ({image}) got a new digest"
        assert base_images(after)[name] != reference
        others = {key: value for key, value in base_images(after).items() if key != name}
        assert others == {key: value for key, value in base_images(before).items() if key != name}


def test_a_switch_of_platform_gives_a_new_tag(tree: Path, env: dict[str, str]) -> None:
    amd64 = image_tag(tree, env, DOCKER_BUILD_PLATFORM="linux/amd64")["image_tag"]
    assert image_tag(tree, env, DOCKER_BUILD_PLATFORM="linux/arm64")["image_tag"] != amd64


def test_the_platform_counts_even_without_base_images(tree: Path, env: dict[str, str]) -> None:
    """FROM scratch has no digest to change; the platform alone still changes the tag."""
    (tree / "Dockerfile").write_text("FROM scratch\n")
    amd64 = image_tag(tree, env, DOCKER_BUILD_PLATFORM="linux/amd64")
    assert amd64["base_images"] == ""
    assert image_tag(tree, env, DOCKER_BUILD_PLATFORM="linux/arm64")["image_tag"] != amd64["image_tag"]


def test_an_unresolvable_base_image_gives_no_tag(tree: Path, env: dict[str, str]) -> None:
    image = next(iter(base_images(image_tag(tree, env)).values())).split("@")[0]
    result = run("image-tag.sh", "--source-dir", str(tree), env=dict(env, FAKE_REGISTRY_MISSING=image))
    assert result.code == 1
    assert f"cannot resolve the base image {image} for linux/amd64" in result.stderr
    assert "image_tag" not in result.outputs


@pytest.mark.parametrize("platform", ["", "linux/386", "arm64"])
def test_the_platform_must_be_a_fargate_one(tree: Path, env: dict[str, str], platform: str) -> None:
    result = run("image-tag.sh", "--source-dir", str(tree), env=dict(env, DOCKER_BUILD_PLATFORM=platform))
    assert result.code == 1 and "DOCKER_BUILD_PLATFORM" in result.stderr
    assert "image_tag" not in result.outputs


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        ("FROM debian:bookworm-slim\n", "FROM debian:bookworm-slim names a base image directly"),
        ("ARG BASE\nFROM ${BASE}\n", "FROM uses $BASE, which has no default"),
    ],
)
def test_a_base_image_that_cannot_be_pinned_is_refused(
    tree: Path, env: dict[str, str], dockerfile: str, message: str
) -> None:
    (tree / "Dockerfile").write_text(dockerfile)
    result = run("image-tag.sh", "--source-dir", str(tree), env=env)
    assert result.code == 1 and message in result.stderr


def test_earlier_stages_are_not_base_images(tree: Path, env: dict[str, str]) -> None:
    (tree / "Dockerfile").write_text("ARG B=debian:bookworm\nFROM ${B} AS build\nFROM build AS test\nFROM scratch\n")
    assert list(base_images(image_tag(tree, env))) == ["B"]


# MARK: - ensure-image.sh builds what was hashed


@pytest.fixture
def repository(aws: dict[str, str]) -> str:
    answer = aws_cli(aws, "ecr", "create-repository", "--repository-name", "fargate-auto-scaled-backend")
    return answer["repository"]["repositoryUri"]


def ensure(tree: Path, aws: dict[str, str], repository: str, tag: str, pinned: str) -> Result:
    return run(
        "ensure-image.sh",
        "--repository-url",
        repository,
        "--tag",
        tag,
        "--base-images",
        pinned,
        "--source-dir",
        str(tree),
        env=aws,
    )


@pytest.mark.parametrize("platform", ["linux/amd64", "linux/arm64"])
def test_the_build_uses_the_hashed_digests_and_platform(
    tree: Path, aws: dict[str, str], repository: str, platform: str
) -> None:
    aws = dict(aws, DOCKER_BUILD_PLATFORM=platform)
    outputs = image_tag(tree, aws)
    result = ensure(tree, aws, repository, outputs["image_tag"], outputs["base_images"])
    assert result.code == 0, result.stderr
    (build,) = [call for call in docker_calls(aws) if call.startswith("build ")]
    assert f"--platform {platform} " in build
    for name, reference in base_images(outputs).items():
        assert f"--build-arg {name}={reference} " in build


@pytest.mark.parametrize("fault", ["missing", "unpinned", "other image", "unknown name"])
def test_the_build_refuses_base_images_other_than_the_dockerfiles(
    tree: Path, aws: dict[str, str], repository: str, fault: str
) -> None:
    """Building from anything but what image-tag.sh hashed would push an image its tag does not describe."""
    outputs = image_tag(tree, aws)
    pinned = base_images(outputs)
    name = next(iter(pinned))
    image, digest = pinned[name].split("@")
    match fault:
        case "missing":
            del pinned[name]
        case "unpinned":
            pinned[name] = image
        case "other image":
            pinned[name] = f"example.org/other:1@{digest}"
        case "unknown name":
            pinned["EXTRA_IMAGE"] = pinned[name]
    result = ensure(tree, aws, repository, outputs["image_tag"], " ".join(f"{k}={v}" for k, v in pinned.items()))
    assert result.code == 1, result.stderr
    assert "--base-images" in result.stderr
    assert [call for call in docker_calls(aws) if call.startswith("build ")] == []
