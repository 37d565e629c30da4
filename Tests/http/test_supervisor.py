"""The entrypoint as a supervisor: configuration refusal, either process dying, SIGTERM drain, users."""

import concurrent.futures
import http.client
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from httpsupport import ENTRYPOINT, Server, fcgiapp_bin, get, port_closed


def fake_app(path, body: str):
    """Writes a stand-in for FCGIApp that runs `body` as the server. `FCGIApp preflight` still runs the
    real binary: the entrypoint takes its settings from FCGIAPP_BIN, and only the server is faked."""
    path.write_text(
        f"#!{sys.executable}\n"
        "import os, socket, sys, time\n"
        "if sys.argv[1:] == ['preflight']:\n"
        f"    os.execv({str(fcgiapp_bin())!r}, [{str(fcgiapp_bin())!r}, 'preflight'])\n" + body
    )
    path.chmod(0o755)
    return path


# README "Configuration": LAME_DUCK_SECONDS defaults to 2.
LAME_DUCK_DEFAULT = 2


def assert_stopped_cleanly(s: Server):
    assert s.leftovers() == [], f"processes left running: {s.leftovers()}"
    assert port_closed(s.port)


# MARK: configuration


@pytest.mark.parametrize("value", ["../x", "", "a/b", "a b", "x" * 65, "d\u00e9v", "a;b", "$x", "dev\n"])
def test_invalid_base_path_is_refused_with_exit_2(make_server, value):
    s = make_server(env={"BASE_PATH": value}).start(wait=False)
    assert s.wait_exit(5) == 2
    err = s.stderr_text()
    assert "BASE_PATH" in err and "1-64 characters" in err, err
    assert "starting" not in err


def test_every_problem_is_reported_at_once_with_exit_2(make_server):
    # The rules themselves are unit-tested (PreflightTests); this checks the entrypoint hands the whole
    # environment to `FCGIApp preflight` and stops on its verdict before starting anything.
    env = {"BASE_PATH": "a/b", "PORT": "010", "NGINX_STRESS_RATE": "fast", "RUNTIME_DIR": "relative"}
    s = make_server(env=env).start(wait=False)
    assert s.wait_exit(5) == 2
    err = s.stderr_text()
    for name, value in env.items():
        assert f'{name}="{value}"' in err, (name, err)
    assert "starting" not in err


def test_missing_app_binary_is_refused_with_exit_2(make_server):
    s = make_server(env={"FCGIAPP_BIN": "/nonexistent/FCGIApp"}).start(wait=False)
    assert s.wait_exit(5) == 2
    assert "FCGIAPP_BIN" in s.stderr_text()


def test_sizing_derived_by_preflight_reaches_the_app_and_nginx(make_server):
    """What preflight derives (its rule is unit-tested in PreflightSizingTests) reaches both processes:
    the app runs the FCGI_WORKERS the entrypoint exported and listens with the backlog somaxconn allows;
    nginx gets the given worker_connections and keepalive."""
    s = make_server(
        env={"NGINX_WORKER_PROCESSES": "2", "NGINX_WORKER_CONNECTIONS": "64", "NGINX_UPSTREAM_KEEPALIVE": "3"}
    ).start()
    exported = int(re.search(r"FCGI_WORKERS=(\d+)", s.stderr_text()).group(1))
    assert get(s.port, "/status").json()["workers"]["total"] == exported
    somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
    assert f'"backlog":{min(somaxconn, 65535)}' in s.stderr_text(), s.stderr_text()
    conf = (s.runtime_dir / "nginx.conf").read_text()
    assert "worker_connections 64;" in conf and "keepalive 3;" in conf


@pytest.mark.skipif(os.geteuid() != 0, reason="only root's nginx workers change user")
def test_private_runtime_parent_is_refused_as_root(make_server, tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    s = make_server(env={"RUNTIME_DIR": str(private / "run")}).start(wait=False)
    assert s.wait_exit(5) == 2
    assert "not searchable" in s.stderr_text()


def _refuses_runtime_dir(make_server, runtime_dir, reason):
    s = make_server(env={"RUNTIME_DIR": str(runtime_dir)}).start(wait=False)
    assert s.wait_exit(5) == 2, s.stderr_text()
    err = s.stderr_text()
    assert "RUNTIME_DIR" in err and reason in err, err
    assert "starting" not in err


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757, 0o1777], ids=oct)
def test_runtime_dir_writable_by_others_is_refused(make_server, tmp_path, mode):
    # A shared /tmp: whoever else can write there could plant the socket, config or temp files.
    runtime = tmp_path / "run"
    runtime.mkdir()
    runtime.chmod(mode)
    _refuses_runtime_dir(make_server, runtime, "writable by others")
    assert stat.S_IMODE(runtime.stat().st_mode) == mode, "changed a directory it refused"


def test_runtime_dir_that_is_a_symlink_is_refused(make_server, tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    (tmp_path / "run").symlink_to(target)
    _refuses_runtime_dir(make_server, tmp_path / "run", "symlink")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a directory to another user")
def test_runtime_dir_owned_by_another_user_is_refused(make_server, tmp_path):
    # e.g. `make run`'s predictable /tmp/fcgiapp-<uid>-<port>, created first by someone else.
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o755)
    os.chown(runtime, 65534, 65534)
    _refuses_runtime_dir(make_server, runtime, "owned by")


# MARK: no app


def test_health_is_503_json_when_the_app_is_unreachable(make_server, tmp_path):
    # A stand-in app that leaves a socket nobody listens on, so nginx's connect() is refused.
    fake = fake_app(
        tmp_path / "unreachable-app",
        ("s = socket.socket(socket.AF_UNIX)\ns.bind(os.environ['FCGI_LISTEN'])\ns.close()\ntime.sleep(600)\n"),
    )
    s = make_server(app=fake).start(wait=False)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            r = get(s.port, "/health", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("nginx did not answer:\n" + s.stderr_text())
    assert r.status == 503
    assert r.header("Content-Type") == "application/json"
    assert r.json()["status"] == "unavailable"
    for path in ("/dev/host", "/status"):
        r = get(s.port, path)
        assert r.status == 502
        assert r.header("Content-Type") == "application/json"
        assert "error" in r.json()
    assert get(s.port, "/nope").status == 404


# MARK: a process dies


@pytest.mark.parametrize(
    "victim,sig",
    [
        ("app", signal.SIGKILL),
        ("app", signal.SIGTERM),
        ("nginx", signal.SIGKILL),
        ("nginx", signal.SIGTERM),
    ],
)
def test_either_process_ending_stops_everything_within_2_s(make_server, victim, sig):
    s = make_server().start()
    pid = s.app_pid() if victim == "app" else s.nginx_master_pid()
    started = time.monotonic()
    os.kill(pid, sig)
    code = s.wait_exit(5)
    elapsed = time.monotonic() - started
    assert code not in (None, 0), s.stderr_text()
    assert elapsed <= 2.0, f"exit took {elapsed:.2f} s"
    assert "exited unexpectedly" in s.stderr_text()
    assert_stopped_cleanly(s)


def test_app_that_ends_before_the_supervisor_waits_is_still_noticed(make_server, tmp_path):
    # A stand-in app that creates its socket and exits at once with status 3: it is gone before nginx
    # has started and the supervisor reaches `wait -n`, which must still report it (bash keeps the
    # status of an ended child) rather than wait forever.
    fake = fake_app(
        tmp_path / "short-lived-app",
        ("s = socket.socket(socket.AF_UNIX)\ns.bind(os.environ['FCGI_LISTEN'])\nsys.exit(3)\n"),
    )
    s = make_server(app=fake).start(wait=False)
    code = s.wait_exit(10)
    err = s.stderr_text()
    assert code == 3, err
    assert "FCGIApp" in err and "exited unexpectedly" in err, err
    assert "starting nginx" in err, "the app ended before nginx started: nothing left to check"
    assert port_closed(s.port)


# MARK: SIGTERM


def test_sigterm_finishes_requests_in_flight(make_server):
    s = make_server().start()
    # Requests whose headers are not finished yet are in flight for nginx: a graceful quit must wait
    # for them, let them reach the app and answer them, while new connections are refused.
    partial = []
    for _ in range(20):
        c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        c.sendall(b"GET /dev/host HTTP/1.1\r\nHost: test\r\n")
        partial.append(c)
    time.sleep(0.3)
    started = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(LAME_DUCK_DEFAULT + 1.0)  # past the lame duck, into nginx's graceful quit
    assert s.proc.poll() is None, "exited with requests in flight"
    assert port_closed(s.port), "still accepting new connections while stopping"
    for c in partial:
        c.sendall(b"Connection: close\r\n\r\n")
    for c in partial:
        data = b""
        while chunk := c.recv(65536):
            data += chunk
        c.close()
        assert data.startswith(b"HTTP/1.1 200"), data[:200]
        assert b"Request handled by backend" in data
    code = s.wait_exit(10)
    assert code == 0, s.stderr_text()
    assert time.monotonic() - started <= 10
    assert_stopped_cleanly(s)


def _kept_alive(port: int, count: int) -> list:
    """`count` connections that have each completed one keep-alive request and are idle."""
    connections = []
    for _ in range(count):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/dev/host")
        r = c.getresponse()
        r.read()
        assert r.status == 200 and r.getheader("Connection", "").lower() != "close"
        connections.append(c)
    return connections


def _next_request(c: http.client.HTTPConnection):
    """The next request on a kept connection: the response, or the error (EOF, reset) it met."""
    try:
        c.request("GET", "/dev/host")
        r = c.getresponse()
        return r.status, r.getheader("Connection"), r.read()
    except (OSError, http.client.HTTPException) as error:
        return error
    finally:
        c.close()


def test_lame_duck_answers_every_kept_connection_then_closes_it(make_server):
    # ECS sends SIGTERM while the ALB holds idle kept-alive connections. During the lame duck each
    # one's next request gets a full answer with Connection: close, health says 503, and the stop
    # still ends with exit 0.
    s = make_server().start()
    connections = _kept_alive(s.port, 32)
    started = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    health = get(s.port, "/health")
    with concurrent.futures.ThreadPoolExecutor(len(connections)) as pool:
        results = list(pool.map(_next_request, connections))
    within_lame_duck = time.monotonic() - started < LAME_DUCK_DEFAULT
    failures = [r for r in results if not isinstance(r, tuple)]
    assert failures == [], f"{len(failures)} of {len(results)} kept connections failed: {failures[:3]}"
    for status, connection, body in results:
        assert status == 200 and b"Request handled by backend" in body
        assert connection == "close"
    assert within_lame_duck, "the requests took longer than the lame duck; nothing was checked"
    assert health.status == 503 and health.json() == {"status": "stopping"}
    assert health.header("Connection") == "close"
    code = s.wait_exit(12)
    assert code == 0, s.stderr_text()
    assert time.monotonic() - started <= 10
    assert_stopped_cleanly(s)


def test_a_second_group_sigterm_does_not_cut_the_lame_duck_short(make_server):
    # Ctrl-C twice, or `timeout` and then tini -g: the supervisor ignores further signals while it
    # stops, and so must the timer it waits on, or the lame duck would end at the second signal.
    s = make_server().start()
    connections = _kept_alive(s.port, 4)
    os.killpg(s.proc.pid, signal.SIGTERM)
    time.sleep(0.5)
    os.killpg(s.proc.pid, signal.SIGTERM)
    time.sleep(0.5)
    results = [_next_request(c) for c in connections]
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    assert s.wait_exit(12) == 0, s.stderr_text()
    assert_stopped_cleanly(s)


@pytest.mark.parametrize("opening", [b"", b"GET /dev/host HTTP/1.1\r\nHost: te"], ids=["idle", "half-header"])
def test_sigterm_with_a_client_holding_a_connection_exits_0_within_10_s(make_server, opening):
    # ECS sends SIGTERM with clients connected. A connection that never finishes its request must not
    # keep nginx's graceful quit past the budget, nor turn a clean stop into a failure.
    s = make_server().start()
    held = [socket.create_connection(("127.0.0.1", s.port), timeout=15) for _ in range(3)]
    try:
        for c in held:
            if opening:
                c.sendall(opening)
        time.sleep(0.3)
        started = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        code = s.wait_exit(15)
        elapsed = time.monotonic() - started
    finally:
        for c in held:
            c.close()
    assert code == 0, s.stderr_text()
    assert elapsed <= 10, f"exit took {elapsed:.2f} s"
    assert_stopped_cleanly(s)


def test_sigterm_to_the_whole_process_group_still_stops_everything(make_server):
    # `timeout`, a shell's Ctrl-C or `tini -g` signal the group, so the entrypoint's own `sleep` dies
    # of SIGTERM too; under `set -e` that must not end the script before it has stopped nginx.
    s = make_server().start()
    os.killpg(s.proc.pid, signal.SIGTERM)
    assert s.wait_exit(12) == 0, s.stderr_text()
    assert_stopped_cleanly(s)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_under_load_loses_no_request(make_server, sig):
    s = make_server().start()
    stop = threading.Event()
    results = {"ok": 0, "bad": [], "refused_before_stop": 0}

    def hammer():
        while not stop.is_set():
            try:
                r = get(s.port, "/dev/host", timeout=10)
            except OSError:
                # Once nginx closes its listening socket, new connections fail; that is expected.
                if not signalled.is_set():
                    results["refused_before_stop"] += 1
                time.sleep(0.01)
                continue
            if r.status == 200:
                results["ok"] += 1
            else:
                results["bad"].append(r.status)

    signalled = threading.Event()
    threads = [threading.Thread(target=hammer) for _ in range(32)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    started = time.monotonic()
    signalled.set()
    s.proc.send_signal(sig)
    code = s.wait_exit(12)
    elapsed = time.monotonic() - started
    stop.set()
    for t in threads:
        t.join(15)
    assert code == 0, s.stderr_text()
    assert elapsed <= 10
    assert results["bad"] == [], "non-200 answers while stopping"
    assert results["refused_before_stop"] == 0
    assert results["ok"] > 0
    assert_stopped_cleanly(s)


# MARK: users


@pytest.mark.skipif(os.geteuid() != 0, reason="the suite already runs as a non-root user")
def test_runs_as_a_non_root_user(make_server):
    s = make_server(user="nobody").start()
    assert get(s.port, "/dev/host").status == 200
    for pid, (_, comm) in s.tracked.items():
        if comm not in ("nginx", "FCGIApp"):
            continue
        with open(f"/proc/{pid}/status") as f:
            uid = next(line.split()[1] for line in f if line.startswith("Uid:"))
        assert uid == "65534", (pid, comm, uid)
    s.proc.send_signal(signal.SIGTERM)
    assert s.wait_exit(10) == 0, s.stderr_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create a file another user cannot write")
def test_unwritable_stdout_is_refused_before_starting(make_server):
    s = make_server(user="nobody", user_owns_stdio=False).start(wait=False)
    assert s.wait_exit(5) == 2
    assert "NGINX_ACCESS_LOG" in s.stderr_text()


def test_access_log_is_json_lines_on_stdout(server):
    marker = f"trace{time.time_ns()}"
    assert get(server.port, f"/dev/host?{marker}").status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [line for line in server.stdout_text().splitlines() if marker in line]
        if lines:
            break
        time.sleep(0.2)
    else:
        pytest.fail("no access log line within 5 s")
    entry = json.loads(lines[0])
    assert entry["method"] == "GET"
    assert entry["uri"] == f"/dev/host?{marker}"
    assert entry["status"] == 200


@pytest.mark.skipif(os.geteuid() != 0, reason="only root's nginx workers change user")
def test_as_root_nginx_workers_run_as_nobody(server):
    workers = [pid for pid, (_, comm) in server.tracked.items() if comm == "nginx" and pid != server.nginx_master_pid()]
    assert workers
    for pid in workers:
        assert os.stat(f"/proc/{pid}").st_uid == 65534
    socket_mode = stat.S_IMODE(os.stat(server.runtime_dir / "fcgiapp.sock").st_mode)
    assert socket_mode == 0o666


def test_help_lists_every_setting():
    out = subprocess.run([str(ENTRYPOINT), "--help"], capture_output=True, text=True, timeout=5)
    assert out.returncode == 0
    for name in (
        "PORT",
        "LISTEN_HOST",
        "BASE_PATH",
        "IMAGE",
        "STRESS_MAX_SECONDS",
        "NGINX_WORKER_PROCESSES",
        "NGINX_WORKER_CONNECTIONS",
        "NGINX_UPSTREAM_KEEPALIVE",
        "FCGI_WORKERS",
        "FCGI_BACKLOG",
        "NGINX_STRESS_RATE",
        "NGINX_STRESS_BURST",
        "NGINX_ACCESS_LOG",
        "RUNTIME_DIR",
        "APP_HOME",
        "FCGIAPP_BIN",
        "NGINX_BIN",
        "QUIET",
        "LAME_DUCK_SECONDS",
    ):
        assert f"\n  {name} " in out.stdout, name
    assert subprocess.run([str(ENTRYPOINT), "--bogus"], capture_output=True, timeout=5).returncode == 2
