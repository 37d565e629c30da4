"""The largest settings each Terraform root's variable validations accept, found by asking Terraform.

Names grow with `project_name` and friends, policies with the role name and the GitHub subjects, alarm windows
with the period and evaluation periods. To prove the validations and the AWS rules (aws_rules.py) agree, the
emulator test plans every root with the largest values its validations accept. Those values are not copied
from the validations here (that would be a second copy of each rule): each candidate, largest first, is
planned against a scratch root holding only the root's variables.tf (no provider: ~0.2 s a probe), and the
first one Terraform accepts is used.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import aws_rules

Candidate = dict[str, str]  # variable -> its -var value (HCL for lists)


class Longest:
    """The longest string `make(n)` accepted for n in 1..most, by binary search (length validations are
    monotonic: if n characters are refused, so are more)."""

    def __init__(self, variable: str, make: Callable[[int], str], most: int) -> None:
        self.variable, self.make, self.most = variable, make, most


def _hcl_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _alarm_badness(candidate: Candidate) -> float:
    """How far an alarm setting goes towards PutMetricAlarm's limit for its period (aws_rules owns the limit)."""
    period = int(candidate["cpu_alarm_period_seconds"])
    periods = max(int(candidate["scale_up_evaluation_periods"]), int(candidate["scale_down_evaluation_periods"]))
    return period * periods / aws_rules.alarm_window_limit(period)


# Per variable (or group): a Longest search, or candidates largest first. The first accepted candidate is used,
# except where a key function says which accepted one is worst. Variables a root does not declare are skipped.
SEARCHES: dict[str, Longest | list[Candidate]] = {
    "project_name": Longest("project_name", lambda n: "p" * n, 64),
    "stage_name": Longest("stage_name", lambda n: "s" * n, 256),
    "deploy_role_name": Longest("deploy_role_name", lambda n: "d" * n, 128),
    "plan_role_name": Longest("plan_role_name", lambda n: "q" * n, 128),
    "repository_name": Longest("repository_name", lambda n: "r" * n, 300),
    # GitHub allows owners of up to 39 and repository names of up to 100 characters.
    "github_repository": [
        {"github_repository": "o" * owner + "/" + "n" * name}
        for owner, name in ((200, 200), (39, 100), (39, 64), (20, 40), (1, 1))
    ],
    # Trust policy size grows with count x length: try every pair, largest product first.
    "github_oidc_subjects": [
        {
            "github_oidc_subjects": _hcl_list(
                f"ref:refs/heads/{index:02d}" + "b" * (length - 17) for index in range(count)
            )
        }
        for count, length in sorted(
            ((c, n) for c in (50, 20, 10, 8, 5, 3, 2, 1) for n in (255, 200, 128, 100, 64, 40)),
            key=lambda pair: -pair[0] * pair[1],
        )
    ],
    # The longest alarm window (period x evaluation periods, both alarms) relative to PutMetricAlarm's limit for
    # its period: long periods first, then sub-hour ones, each with the most evaluation periods.
    "cpu_alarm": [
        {
            "cpu_alarm_period_seconds": str(period),
            "scale_up_evaluation_periods": str(periods),
            "scale_down_evaluation_periods": str(periods),
        }
        for period in (86_400, 3_600, 3_540, 60, 30, 10)
        for periods in (100_000, 10_080, 1_440, 1_000, 168, 100, 24, 10, 1)
    ],
}
WORST: dict[str, Callable[[Candidate], float]] = {"cpu_alarm": _alarm_badness}


def declared_variables(root: Path) -> set[str]:
    return set(re.findall(r'^variable\s+"([^"]+)"', (root / "variables.tf").read_text(encoding="utf-8"), re.M))


def _accepted(scratch: Path, env: dict[str, str], base_args: list[str], candidate: Candidate) -> bool:
    args = [f"-var={name}={value}" for name, value in candidate.items()]
    result = subprocess.run(
        [
            "terraform",
            f"-chdir={scratch}",
            "plan",
            "-input=false",
            "-lock=false",
            "-no-color",
            "-refresh=false",
            *base_args,
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode == 0:
        return True
    if "Invalid value for variable" in result.stderr:
        return False
    raise AssertionError(f"probing {candidate} failed for another reason than a validation:\n{result.stderr[-3000:]}")


def largest_settings(root: Path, scratch: Path, env: dict[str, str], base_args: list[str]) -> list[str]:
    """-var arguments with the largest value of every searched variable the root declares and accepts
    (each found with the others at their usual values)."""
    declared = declared_variables(root)
    searches = dict(SEARCHES)
    if root.name == "bootstrap":  # elsewhere state_bucket names the bucket to read from, not one to create
        searches["state_bucket"] = Longest("state_bucket", lambda n: "b" * n, 64)
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "variables.tf", scratch / "variables.tf")
    chosen: list[str] = []
    for search, candidates in searches.items():
        if isinstance(candidates, Longest):
            found = _longest(candidates, scratch, env, base_args) if candidates.variable in declared else {}
        elif not set(candidates[0]) <= declared:
            continue
        elif search in WORST:
            accepted = [c for c in candidates if _accepted(scratch, env, base_args, c)]
            found = max(accepted, key=WORST[search]) if accepted else None
        else:
            found = next((c for c in candidates if _accepted(scratch, env, base_args, c)), None)
        if found is None:
            raise AssertionError(f"{root.name}: the validations accept none of the candidates for {search}")
        chosen += [f"-var={name}={value}" for name, value in found.items()]
    return chosen


def _longest(search: Longest, scratch: Path, env: dict[str, str], base_args: list[str]) -> Candidate | None:
    low, high = 0, search.most  # invariant: low is accepted (0: none yet), high + 1 is refused
    while low < high:
        middle = (low + high + 1) // 2
        if _accepted(scratch, env, base_args, {search.variable: search.make(middle)}):
            low = middle
        else:
            high = middle - 1
    return {search.variable: search.make(low)} if low else None
