#!/usr/bin/env python3
"""How many kept-alive client connections lose their next request when the task is stopped.

Opens CONNECTIONS (256) keep-alive connections to the entrypoint (real nginx + FCGIApp), each completes
one request and idles, as the ALB's do; then SIGTERM, and every connection sends one more request at
once. Counts full answers and failures (EOF, reset, a malformed answer), once with the lame duck off
(LAME_DUCK_SECONDS=0, a plain graceful quit) and once with the default. Prints, asserts nothing.
Needs .build/release/FCGIApp (scripts/test-http.sh builds it). Usage: scripts/bench/stop_resets.py
"""

import concurrent.futures
import http.client
import os
import resource
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "http"))
from httpsupport import Server  # noqa: E402

CONNECTIONS = int(os.environ.get("STOP_CONNECTIONS", "256"))
DELAY = float(os.environ.get("STOP_REQUEST_DELAY", "0.2"))  # seconds between SIGTERM and the requests


def one_round(lame_duck: str) -> dict:
    s = Server(env={"LAME_DUCK_SECONDS": lame_duck, "NGINX_WORKER_CONNECTIONS": "2048"}).start()
    try:
        connections = []
        for _ in range(CONNECTIONS):
            c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=15)
            c.request("GET", "/dev/host")
            c.getresponse().read()
            connections.append(c)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(DELAY)

        def next_request(c):
            try:
                c.request("GET", "/dev/host")
                r = c.getresponse()
                body = r.read()
                return "ok" if r.status == 200 and body else f"status {r.status}"
            except (ConnectionResetError, BrokenPipeError):
                return "reset"
            except http.client.RemoteDisconnected:
                return "EOF"
            except (OSError, http.client.HTTPException) as error:
                return type(error).__name__
            finally:
                c.close()

        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            outcomes = list(pool.map(next_request, connections))
        code = s.wait_exit(15)
        counts = {}
        for outcome in outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        return {"exit": code, **counts}
    finally:
        s.stop()


def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    print(f"{CONNECTIONS} kept-alive connections, one request each {DELAY} s after SIGTERM")
    for lame_duck in ("0", "2"):
        print(f"LAME_DUCK_SECONDS={lame_duck}: {one_round(lame_duck)}")


if __name__ == "__main__":
    main()
