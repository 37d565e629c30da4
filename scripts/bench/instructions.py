#!/usr/bin/env python3
"""FCGIApp's user-space instructions per /dev/host request, counted by valgrind's callgrind.

Usage: python3 scripts/bench/instructions.py [FCGIAPP_BIN] [REQUESTS]   (default: $FCGIAPP_BIN, 3000)

Why: CPU time per request on a shared 2-core machine moves by tens of percent between runs; the number of
instructions the app executes per request does not (two runs of one binary differed by 1 in 20,000), so it
shows what a change to the request path saves. It counts user space only: the kernel's share (socket
reads and writes, context switches: most of the app's CPU, see `make bench`) is not in it.

The real entrypoint runs nginx and FCGIApp under callgrind (access log off); after 300 warm-up requests
the counters are zeroed, REQUESTS requests are sent one after another on one kept-alive connection, and
the counters are dumped. Not part of `make bench`: callgrind runs the app ~50x slower.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "http"))
from httpsupport import Server, descendants  # noqa: E402


def requests(port: int, count: int) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(count):
            conn.request("GET", "/dev/host")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"instructions: /dev/host answered {response.status}")
    finally:
        conn.close()


def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FCGIAPP_BIN", "")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    if not binary or not os.access(binary, os.X_OK):
        raise SystemExit("instructions: give the FCGIApp binary (argument or FCGIAPP_BIN)")
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("instructions: valgrind is missing (apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="fcgi-callgrind-"))
    wrapper = work / "FCGIApp"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'exec valgrind --tool=callgrind --callgrind-out-file={work}/callgrind.%p "{os.path.abspath(binary)}" "$@"\n'
    )
    wrapper.chmod(0o755)
    server = Server(app=str(wrapper), env={"NGINX_ACCESS_LOG": "off"})
    try:
        server.start(wait=False)
        server.wait_healthy(timeout=120)
        # valgrind names the process after its tool (callgrind-amd64), not after the app.
        tree = descendants(server.proc.pid).items()
        app = next(pid for pid, (_, comm) in tree if comm.startswith("callgrind"))
        requests(server.port, 300)
        subprocess.run(["callgrind_control", "--zero", str(app)], check=True, capture_output=True)
        requests(server.port, count)
        subprocess.run(["callgrind_control", "--dump=measured", str(app)], check=True, capture_output=True)
        files = glob.glob(f"{work}/callgrind.*")
        dumps = [f for f in files if "measured" in Path(f).read_text(errors="replace")[:4096]]
        if len(dumps) != 1:
            raise SystemExit(f"instructions: expected one dump, found {dumps}")
        total = int(re.search(r"^(?:summary|totals): (\d+)", Path(dumps[0]).read_text(), re.M).group(1))
        print(f"{binary}: {total / count:.0f} instructions per /dev/host request ({total} over {count})")
        print(f"  profile: callgrind_annotate --inclusive=yes {dumps[0]}  (kept until /tmp is cleaned)")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
