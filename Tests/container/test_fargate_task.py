"""The task definition the task root renders, run the way Fargate runs it (see fargate.py for which of
Fargate's rules are modelled): it must become healthy by its own health check, report its image, produce
the stress it promises within the task's CPU share, and exit 0 when stopped with requests in flight.

The tests run in file order and share one task; the stop test comes last because it ends it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from dockerctl import TEST_IMAGE_URI, get, read_cgroup_cpu_seconds, record
from fargate import LOCAL_NOFILE, NANOSECONDS, FargateTask, create_body, image_volumes
from taskdef import TaskDefinition, render

PARTIAL_REQUEST = b"GET /%s/host HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"


@pytest.fixture(scope="module")
def task_definition() -> TaskDefinition:
    """What `terraform/task` would register for the image URI ECS would be given (with config.tfvars)."""
    return render(TEST_IMAGE_URI)


@pytest.fixture(scope="module")
def task(task_definition: TaskDefinition, image: str) -> Iterator[FargateTask]:
    run = FargateTask.start(task_definition, image)
    try:
        yield run
    finally:
        run.remove()


def environment(task_definition: TaskDefinition) -> dict[str, str]:
    return {e["name"]: e["value"] for e in task_definition.container["environment"]}


def test_bind_mount_follows_fargate_rule(task_definition: TaskDefinition, image: str) -> None:
    """Each mount point of a host-less task volume becomes a fresh volume where the image declares a VOLUME
    at that path (content and mode copied in) and an empty root-owned 0755 directory where it does not."""
    paths = [p["containerPath"] for p in task_definition.container["mountPoints"]]
    assert paths, "the task definition mounts no task volume"
    declared = image_volumes(image)
    body = create_body(task_definition, image, declared, {3000: 1}, lambda: "/host/dir", lambda: "volume-name")
    for mount in body["HostConfig"]["Mounts"]:
        expected = "volume" if mount["Target"] in declared else "bind"
        assert mount["Type"] == expected, mount
    none_declared = create_body(task_definition, image, set(), {3000: 1}, lambda: "/host/dir", lambda: "v")
    assert {m["Type"] for m in none_declared["HostConfig"]["Mounts"]} == {"bind"}


def test_container_settings_follow_the_definition(task_definition: TaskDefinition, image: str) -> None:
    """User, read-only root, environment, health check (exec form, seconds -> ns), stop timeout, task CPU
    and memory, and Fargate's nofile limit reach the engine as the definition states them."""
    container = task_definition.container
    body = create_body(
        task_definition,
        image,
        set(),
        {m["containerPort"]: 1 for m in container["portMappings"]},
        lambda: "/host/dir",
        lambda: "v",
    )
    assert body["User"] == container["user"]
    assert body["HostConfig"]["ReadonlyRootfs"] is container["readonlyRootFilesystem"]
    assert sorted(body["Env"]) == sorted(f"{k}={v}" for k, v in environment(task_definition).items())
    check = container["healthCheck"]
    assert body["Healthcheck"] == {
        "Test": check["command"],
        "Interval": check["interval"] * NANOSECONDS,
        "Timeout": check["timeout"] * NANOSECONDS,
        "Retries": check["retries"],
        "StartPeriod": check["startPeriod"] * NANOSECONDS,
    }
    assert body["StopTimeout"] == container["stopTimeout"]
    assert body["HostConfig"]["NanoCpus"] * 1024 == task_definition.cpu * NANOSECONDS
    assert body["HostConfig"]["Memory"] == task_definition.memory * 2**20
    assert {"Name": "nofile", "Soft": LOCAL_NOFILE, "Hard": LOCAL_NOFILE} in body["HostConfig"]["Ulimits"]


def test_image_without_volume_would_fail_on_fargate(task_definition: TaskDefinition, image: str) -> None:
    """The fault this test exists for: with an empty root-owned 0755 /tmp (what Fargate mounts when the
    image declares no VOLUME there), a non-root task cannot create its runtime directory and exits at start.
    Proves the model can fail; the image under test passes only because it declares VOLUME /tmp."""
    assert "/tmp" in image_volumes(image), "the image must declare VOLUME /tmp (see the Dockerfile)"
    run = FargateTask.start(task_definition, image, volumes_in_image=set())
    try:
        code = run.wait_exited(timeout=30)
        assert code != 0
        assert "RUNTIME_DIR" in run.logs(), run.logs()
    finally:
        run.remove()


def test_task_becomes_healthy_by_its_own_health_check(task: FargateTask) -> None:
    """Docker runs the definition's health check command on the definition's schedule until it passes."""
    seconds = task.wait_healthy()
    record("fargate_task_healthy_seconds", round(seconds, 1))
    state = task.inspect()["State"]
    assert state["Health"]["Log"][-1]["ExitCode"] == 0


def test_task_serves_host_with_its_image(task: FargateTask, task_definition: TaskDefinition) -> None:
    """/{stage}/host reports the image of the task definition (IMAGE is set by the task root)."""
    task.wait_healthy()
    stage = environment(task_definition)["BASE_PATH"]
    resp = get(task.port, f"/{stage}/host")
    assert resp.status == 200, resp.body
    assert resp.json()["imageUri"] == task_definition.container["image"]


def test_stress_reaches_target_within_task_cpu_share(task: FargateTask, task_definition: TaskDefinition) -> None:
    """stress-cpu/50/10 on a task of `cpu` units: the container used 50 % (+-5 points) of cpu/1024 CPUs."""
    task.wait_healthy()
    stage = environment(task_definition)["BASE_PATH"]
    share = task_definition.cpu / 1024
    percent, seconds = 50, 10
    container_id = task.inspect()["Id"]
    used_before, at_before = read_cgroup_cpu_seconds(container_id), time.monotonic()
    resp = get(task.port, f"/{stage}/stress-cpu/{percent}/{seconds}")
    assert resp.status == 200, resp.body
    assert abs(resp.json()["cpusAllowed"] - share) < 0.01, resp.body
    time.sleep(at_before + seconds - time.monotonic())
    used, elapsed = read_cgroup_cpu_seconds(container_id) - used_before, time.monotonic() - at_before
    achieved = 100 * used / (elapsed * share)
    record("fargate_stress_50_percent_of_task_cpu", round(achieved, 1))
    assert abs(achieved - percent) <= 5, f"{achieved:.1f} % of {share} CPUs"


def test_stop_with_requests_in_flight_exits_zero(task: FargateTask, task_definition: TaskDefinition) -> None:
    """ECS's stop (SIGTERM, SIGKILL after stopTimeout) with requests in flight: each gets its 200 and the
    container exits 0 well before stopTimeout."""
    task.wait_healthy()
    stage = environment(task_definition)["BASE_PATH"]
    in_flight = []
    for _ in range(4):
        sock = socket.create_connection(("127.0.0.1", task.port), timeout=10)
        sock.sendall(PARTIAL_REQUEST % stage.encode())
        in_flight.append(sock)
    time.sleep(0.2)  # nginx has accepted them and is reading the headers

    started = time.monotonic()
    stopper = threading.Thread(target=task.stop, daemon=True)
    stopper.start()
    time.sleep(0.3)  # SIGTERM has arrived
    answers = []
    for sock in in_flight:
        sock.sendall(b"\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        sock.close()
        answers.append(b"".join(chunks).split(b"\r\n", 1)[0])
    code = task.wait_exited(timeout=task_definition.container["stopTimeout"] + 5)
    stopper.join(timeout=10)
    seconds = time.monotonic() - started
    record("fargate_stop_seconds", round(seconds, 1))
    assert answers == [b"HTTP/1.1 200 OK"] * len(in_flight), answers
    assert code == 0, task.logs()
    assert seconds < task_definition.container["stopTimeout"], f"stopped after {seconds:.1f}s"
