#!/usr/bin/env python3
"""AWS emulator for the tests: moto served in-process on 127.0.0.1, with the gaps filled.

Every module in ``patches/`` (sorted by file name) fills or fakes one thing moto 5.2.x lacks; each
module's docstring says what, and each exposes an idempotent ``apply()`` that this launcher calls
before the server starts. Run ``launcher.py --help`` for options; ``start.sh`` runs it in the
background and waits until it answers.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import threading
from pathlib import Path

PATCH_DIR = Path(__file__).resolve().parent / "patches"


def load_patches(patch_dir: Path = PATCH_DIR) -> list[str]:
    """Imports every patches/*.py and calls its apply(); returns the names applied."""
    applied = []
    # The patches share patches/_patching.py (guard and wrap), imported by its module name.
    if str(patch_dir) not in sys.path:
        sys.path.insert(0, str(patch_dir))
    for path in sorted(patch_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"aws_emulator_patches.{path.stem}", path)
        if spec is None or spec.loader is None:
            raise RuntimeError(f"cannot load patch {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not callable(getattr(module, "apply", None)):
            raise RuntimeError(f"patch {path} has no apply() function")
        module.apply()
        applied.append(path.stem)
    return applied


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default: 0)")
    parser.add_argument("--port-file", help="write the port to this file once the server listens")
    args = parser.parse_args()

    # Must be set before moto's IAM backend is first created; setting it later has no effect.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    # Fake credentials for anything in this process that signs requests.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")

    applied = load_patches()
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    if args.port_file:
        tmp = Path(args.port_file + ".tmp")
        tmp.write_text(f"{port}\n", encoding="utf-8")
        tmp.replace(args.port_file)  # atomic: a reader never sees a partial port
    print(
        f"aws-emulator: listening on http://{host}:{port} (patches: {', '.join(applied) or 'none'})",
        file=sys.stderr,
        flush=True,
    )

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
