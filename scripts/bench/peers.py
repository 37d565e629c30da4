"""The peers of `make bench`: PHP-FPM and a plain C libfcgi responder, behind FCGIApp's own nginx settings.

Users choose between this app and PHP-FPM or a C responder behind nginx, so both answer the same
/dev/host JSON in the same run. Each peer gets a copy of the nginx configuration the entrypoint rendered
for FCGIApp (scripts/bench/bench.py starts that server first): every file is copied with FCGIApp's
RUNTIME_DIR replaced by the peer's directory (so the upstream socket, pid, temp paths and lame-duck flag
are the peer's) and the listen address by the peer's port. Workers, connections, upstream keep-alive,
access log (format, UTF-8 maps, buffer), headers, error pages and the per-request lame-duck check are
therefore FCGIApp's own, not a hand-kept copy. PHP-FPM needs one parameter more: SCRIPT_FILENAME.

A peer's answer is compared with FCGIApp's before its row is reported (`answer_problems`): a benchmark
of a broken peer is worthless.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from httpsupport import descendants, free_port, get

HERE = Path(__file__).resolve().parent / "peers"
MESSAGE = re.compile(r"Request handled by backend at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def answer_problems(ours: bytes, theirs) -> list:
    """Why a peer's /dev/host answer is not FCGIApp's (empty when it is): status, Content-Type, the same JSON
    keys in the same order, the same imageUri and hostname, a message of the same form."""
    if theirs.status != 200:
        return [f"status {theirs.status}"]
    problems = []
    if theirs.headers.get("content-type") != "application/json":
        problems.append(f"Content-Type {theirs.headers.get('content-type')!r}")
    expected = json.loads(ours)
    try:
        answer = json.loads(theirs.body)
    except ValueError:
        return [*problems, f"not JSON: {theirs.body[:80]!r}"]
    if not isinstance(answer, dict) or list(answer) != list(expected):
        return [*problems, f"keys {list(answer) if isinstance(answer, dict) else type(answer).__name__}"]
    for key in ("imageUri", "hostname"):
        if answer[key] != expected[key]:
            problems.append(f"{key} {answer[key]!r}, FCGIApp says {expected[key]!r}")
    if not isinstance(answer["message"], str) or not MESSAGE.fullmatch(answer["message"]):
        problems.append(f"message {answer['message']!r}")
    return problems


def _render(text: str, values: dict) -> str:
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


class Peer:
    """One peer: a backend on PEER_DIR/fcgiapp.sock and an nginx configured as FCGIApp's."""

    name = ""
    backend_comm = ""  # the backend processes' name in /proc, for the CPU figures

    def __init__(self, runtime_dir: Path, workers: int, image: str):
        self.dir = Path(tempfile.mkdtemp(prefix="fcgi-bench-peer-"))
        self.dir.chmod(0o755)  # nginx's workers (nobody, when run as root) reach the socket
        self.port = free_port()
        self.workers = workers
        self.image = image
        self.backend = None
        self.nginx = None
        self.logs = open(self.dir / "stdout.log", "wb")
        self._copy_nginx_config(runtime_dir)

    def _copy_nginx_config(self, runtime_dir: Path) -> None:
        for conf in runtime_dir.glob("*.conf"):
            text = conf.read_text().replace(str(runtime_dir), str(self.dir))
            if conf.name == "nginx.conf":
                text, count = re.subn(
                    r"^(\s*listen )\S+( default_server;)$", rf"\g<1>127.0.0.1:{self.port}\2", text, flags=re.M
                )
                if count != 1:
                    raise SystemExit(f"bench: {conf} has {count} `listen … default_server` lines, expected 1")
            if conf.name == "fastcgi-app.conf":
                text += self.extra_fastcgi_params()
            (self.dir / conf.name).write_text(text)

    def extra_fastcgi_params(self) -> str:
        return ""

    def start(self) -> "Peer":
        self.backend = self.start_backend()
        # nginx starts once the backend listens, so no request meets a missing socket (a logged 502).
        socket_path = self.dir / "fcgiapp.sock"
        deadline = time.monotonic() + 15
        while not socket_path.exists():
            if self.backend.poll() is not None:
                raise SystemExit(f"bench: {self.name} exited with {self.backend.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: {self.name} did not create {socket_path} within 15 s")
            time.sleep(0.05)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = subprocess.Popen(
            [nginx, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
            stdout=self.logs,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for proc, what in ((self.backend, self.name), (self.nginx, "its nginx")):
                if proc.poll() is not None:
                    raise SystemExit(f"bench: {what} exited with {proc.returncode}")
            try:
                if get(self.port, "/dev/host", timeout=1).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"bench: {self.name} did not answer /dev/host within 15 s")

    def start_backend(self) -> subprocess.Popen:
        raise NotImplementedError

    def backend_pids(self) -> list:
        return [self.backend.pid, *descendants(self.backend.pid)]

    def pids(self) -> list:
        return [*self.backend_pids(), self.nginx.pid, *descendants(self.nginx.pid)]

    def check(self) -> None:
        """Anything that must hold before the peer's figures mean something (none by default)."""

    def stop(self) -> None:
        for proc, sig in ((self.nginx, signal.SIGQUIT), (self.backend, signal.SIGTERM)):
            if proc is None or proc.poll() is not None:
                continue
            os.killpg(proc.pid, sig)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        self.logs.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class CResponder(Peer):
    """scripts/bench/peers/host_responder.c, compiled now with gcc -O2 against libfcgi (static, as FCGIApp
    links it), with FCGIApp's thread count."""

    name = "C libfcgi responder"

    def start_backend(self) -> subprocess.Popen:
        binary = self.dir / "host_responder"
        subprocess.run(
            [
                "gcc", "-O2", "-Wall", "-Werror", "-o", str(binary), str(HERE / "host_responder.c"),
                "-l:libfcgi.a", "-lpthread",
            ],
            check=True,
        )  # fmt: skip
        return subprocess.Popen(
            [str(binary), str(self.dir / "fcgiapp.sock"), str(self.workers)],
            env={"IMAGE": self.image},
            start_new_session=True,
        )


class PhpFpm(Peer):
    """Debian's php-fpm8.2 with a static pool of FCGIApp's thread count (why: php-fpm.conf.template) and
    opcache on, checked through opcache.php before any measurement."""

    name = "PHP-FPM 8.2 (opcache)"
    binary = "php-fpm8.2"

    def extra_fastcgi_params(self) -> str:
        # /dev/host -> host.php, /dev/opcache -> opcache.php (PATH_INFO is the path after the base path).
        scripts = self.dir / "php"
        return f"fastcgi_param SCRIPT_FILENAME {scripts}$fastcgi_path_info.php;\n"

    def start_backend(self) -> subprocess.Popen:
        binary = shutil.which(self.binary) or f"/usr/sbin/{self.binary}"
        scripts = self.dir / "php"
        scripts.mkdir()
        scripts.chmod(0o755)
        for name in ("host.php", "opcache.php"):
            shutil.copy(HERE / name, scripts / name)
        for value in (self.image, socket.gethostname()):
            if re.search(r'["\n]', value):
                raise SystemExit(f"bench: {value!r} cannot be written into the PHP-FPM pool's env[]")
        config = _render(
            (HERE / "php-fpm.conf.template").read_text(),
            {
                "PEER_DIR": str(self.dir),
                "PEER_WORKERS": str(self.workers),
                "PEER_IMAGE": f'"{self.image}"',
                "PEER_HOSTNAME": f'"{socket.gethostname()}"',
            },
        )
        (self.dir / "php-fpm.conf").write_text(config)
        command = [binary, "--nodaemonize", "--fpm-config", str(self.dir / "php-fpm.conf")]
        command += ["-c", str(HERE / "php.ini")]
        if os.geteuid() == 0:
            command.append("--allow-to-run-as-root")  # the pool then runs as root too, like the C peer
        return subprocess.Popen(command, start_new_session=True)

    def check(self) -> None:
        status = get(self.port, "/dev/opcache").json()
        if not status.get("enabled") or str(self.dir / "php" / "host.php") not in status.get("scripts", []):
            raise PeerRefused(f"opcache is not serving host.php: {status}")


class PeerRefused(Exception):
    """A peer that must not get a row: its answer differs from FCGIApp's, or it is not set up as claimed."""
