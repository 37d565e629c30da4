"""Load mode's traffic: a demand in task-equivalents spread over every running task through the public URL.

The ALB picks the task, so a round keeps calling /stress-cpu until each running task (a distinct `host` in
the answers) has its share (`demand / tasks` percent, capped at 100); a new call replaces a task's running
stress job, so changing the share just means calling again. `stop()` sends percent 0 until every task
reached so far has answered it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable

Getter = Callable[[str], tuple[int, str]]


def http_get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


class LoadDriver:
    def __init__(self, base_url: str, get: Getter = http_get, attempts_per_task: int = 4) -> None:
        self.base = base_url.rstrip("/")
        self.get = get
        self.attempts_per_task = attempts_per_task
        self.hosts: dict[str, int] = {}  # host -> percent last sent
        self.errors = 0

    def _call(self, percent: int, seconds: int) -> str | None:
        status, body = self.get(f"{self.base}/stress-cpu/{percent}/{seconds}")
        if status != 200:
            self.errors += 1
            return None
        try:
            return str(json.loads(body)["host"])
        except (ValueError, KeyError, TypeError):
            self.errors += 1
            return None

    def share(self, demand: float, tasks: int) -> int:
        return max(0, min(100, round(demand * 100 / max(tasks, 1))))

    def round(self, demand: float, tasks: int, seconds: int) -> set[str]:
        """One round: every one of `tasks` running tasks gets its share; returns the hosts reached."""
        percent = self.share(demand, tasks)
        reached: set[str] = set()
        for _ in range(max(tasks, 1) * self.attempts_per_task):
            host = self._call(percent, seconds)
            if host is not None:
                reached.add(host)
                self.hosts[host] = percent
            if len(reached) >= tasks:
                break
        return reached

    def stop(self) -> set[str]:
        """percent 0 on every host reached so far; returns those that did not confirm."""
        pending = set(self.hosts)
        for _ in range(max(len(pending), 1) * self.attempts_per_task):
            if not pending:
                break
            host = self._call(0, 1)
            if host is not None:
                pending.discard(host)
                self.hosts[host] = 0
        return pending
