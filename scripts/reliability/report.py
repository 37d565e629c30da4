"""The reliability table: one row per goal (what, goal, measured, verdict), printed aligned for a terminal
and written as Markdown."""

import textwrap
from dataclasses import dataclass

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


@dataclass
class Row:
    what: str
    goal: str
    measured: str
    verdict: str  # PASS, FAIL, or SKIP (not run, and `measured` says why)


def judged(what: str, goal: str, measured: str, ok: bool) -> Row:
    return Row(what, goal, measured, PASS if ok else FAIL)


def failed(what: str, goal: str, error: BaseException) -> Row:
    """A row whose measurement itself broke (the server did not start, a tool failed): a FAIL that says why."""
    return Row(what, goal, f"could not measure: {type(error).__name__}: {error}", FAIL)


def exit_code(rows) -> int:
    """0 when every row that ran passed, 1 when any goal failed (skipped rows are reported, not failed)."""
    return 1 if any(r.verdict == FAIL for r in rows) else 0


# Column widths of the terminal table; longer cells wrap onto continuation lines.
_WRAP = (44, 36, 72)


def text_table(rows) -> str:
    headers = ("what", "goal", "measured", "result")
    cells = [headers] + [(r.what, r.goal, r.measured, r.verdict) for r in rows]
    wrapped = [[textwrap.wrap(c[i], _WRAP[i]) or [""] for i in range(3)] + [[c[3]]] for c in cells]
    widths = [max(len(line) for w in wrapped for line in w[i]) for i in range(3)]
    lines = []
    for n, columns in enumerate(wrapped):
        for k in range(max(len(col) for col in columns)):
            parts = [(columns[i][k] if k < len(columns[i]) else "") for i in range(4)]
            lines.append("  ".join(f"{parts[i]:<{widths[i]}}" for i in range(3)) + "  " + parts[3])
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ------")
    return "\n".join(line.rstrip() for line in lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(rows) -> str:
    lines = ["| what | goal | measured | result |", "|---|---|---|---|"]
    lines += [f"| {_md(r.what)} | {_md(r.goal)} | {_md(r.measured)} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def attempt(what: str, goal: str, measure) -> Row:
    """measure() gives the row; any error while measuring becomes a FAIL row that says what broke."""
    try:
        return measure()
    except Exception as error:  # noqa: BLE001 - reported in the table, never a crash
        return failed(what, goal, error)
