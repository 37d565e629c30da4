"""What a process in the container could use to gain privileges or keep data: no setuid/setgid files, and
with the read-only root only the documented directories are writable."""

from __future__ import annotations

from dockerctl import docker

# The image's VOLUME /tmp, plus the RAM-backed mounts Docker gives every container (counted against its
# memory limit). The README's Container section names the same three.
WRITABLE_DIRECTORIES = {"/tmp", "/dev/shm", "/dev/mqueue"}


def test_no_setuid_or_setgid_files(image: str) -> None:
    """find / -perm /6000 finds nothing in the runtime image (searched as root, who can read every directory)."""
    found = docker(
        "run",
        "--rm",
        "--read-only",
        "--user",
        "0",
        "--entrypoint",
        "/usr/bin/find",
        image,
        "/",
        "-xdev",
        "-perm",
        "/6000",
        "-type",
        "f",
    ).stdout.split()
    assert found == []


def test_only_documented_directories_are_writable(image: str) -> None:
    """As the image's user with a read-only root: every writable directory is /tmp, /dev/shm or /dev/mqueue
    (or inside them)."""
    result = docker(
        "run",
        "--rm",
        "--read-only",
        "--entrypoint",
        "/usr/bin/find",
        image,
        "/",
        "(",
        "-path",
        "/proc",
        "-o",
        "-path",
        "/sys",
        ")",
        "-prune",
        "-o",
        "-type",
        "d",
        "-writable",
        "-print",
        check=False,
    )
    writable = set(result.stdout.split())
    outside = {d for d in writable if not any(d == w or d.startswith(w + "/") for w in WRITABLE_DIRECTORIES)}
    assert writable and not outside, f"writable outside {sorted(WRITABLE_DIRECTORIES)}: {sorted(outside)}"
