"""Just enough HCL to read literal values: `variable` blocks' defaults (with `optional(type, default)` object
attributes) in a root's variables.tf, and `name = value` lines in .tfvars files. Anything that is not a
literal (a reference, a function call) is refused with a clear error rather than guessed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*")|#[^\n]*|//[^\n]*|/\*.*?\*/', re.DOTALL)


class HclError(ValueError):
    pass


def _strip_comments(text: str) -> str:
    return _COMMENT.sub(lambda m: m.group(1) or "", text)


class _Parser:
    def __init__(self, text: str, where: str) -> None:
        self.s, self.i, self.where = text, 0, where

    def error(self, what: str) -> HclError:
        line = self.s.count("\n", 0, self.i) + 1
        return HclError(f"{self.where}:{line}: {what}")

    def ws(self, newlines: bool = True) -> None:
        chars = " \t\r\n" if newlines else " \t\r"
        while self.i < len(self.s) and self.s[self.i] in chars:
            self.i += 1

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def value(self) -> Any:
        self.ws()
        c = self.peek()
        if c == '"':
            m = re.compile(r'"((?:[^"\\]|\\.)*)"').match(self.s, self.i)
            if not m:
                raise self.error("unterminated string")
            self.i = m.end()
            return bytes(m.group(1), "utf-8").decode("unicode_escape")
        if c == "{":
            return self.obj()
        if c == "[":
            return self.lst()
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?").match(self.s, self.i)
        if m:
            self.i = m.end()
            number = float(m.group(0))
            return int(number) if number.is_integer() else number
        m = re.compile(r"(true|false|null)\b").match(self.s, self.i)
        if m:
            self.i = m.end()
            return {"true": True, "false": False, "null": None}[m.group(1)]
        raise self.error(f"not a literal value: {self.s[self.i : self.i + 30]!r}")

    def obj(self) -> dict[str, Any]:
        self.i += 1
        out: dict[str, Any] = {}
        while True:
            self.ws()
            if self.peek() == "}":
                self.i += 1
                return out
            m = re.compile(r'"([^"]*)"|([A-Za-z_][\w-]*)').match(self.s, self.i)
            if not m:
                raise self.error("expected an attribute name")
            self.i = m.end()
            self.ws()
            if self.peek() not in "=:":
                raise self.error("expected = after attribute name")
            self.i += 1
            out[m.group(1) or m.group(2)] = self.value()
            self.ws()
            if self.peek() == ",":
                self.i += 1

    def lst(self) -> list:
        self.i += 1
        out = []
        while True:
            self.ws()
            if self.peek() == "]":
                self.i += 1
                return out
            out.append(self.value())
            self.ws()
            if self.peek() == ",":
                self.i += 1


def _block_end(text: str, start: int) -> int:
    """Index just past the brace that closes the one at `start` (strings and comments already handled)."""
    depth, i, in_str = 0, start, False
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "{(":
            depth += 1
        elif c in "})":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise HclError("unbalanced braces")


_OPTIONAL = re.compile(r"([A-Za-z_]\w*)\s*=\s*optional\(\s*\w+\s*,\s*(-?[\d.]+|true|false|\"[^\"]*\")\s*\)")


def root_variable_defaults(root: Path) -> dict[str, tuple[bool, Any]]:
    """variable_defaults() of every *.tf file of a root (settings may live in linked shared files)."""
    out: dict[str, tuple[bool, Any]] = {}
    for path in sorted(root.glob("*.tf")):
        if not path.name.endswith("_override.tf"):
            out.update(variable_defaults(path))
    return out


def variable_defaults(path: Path) -> dict[str, tuple[bool, Any]]:
    """{name: (has_default, default)} of every `variable` block; object defaults are completed from the
    `optional(type, default)` attributes of their type, as Terraform does."""
    text = _strip_comments(path.read_text())
    out: dict[str, tuple[bool, Any]] = {}
    for m in re.finditer(r'^variable\s+"([^"]+)"\s*\{', text, re.MULTILINE):
        body = text[m.end() - 1 : _block_end(text, m.end() - 1)]
        optional = {k: _Parser(v, str(path)).value() for k, v in _OPTIONAL.findall(body)}
        dm = re.search(r"^\s*default\s*=", body, re.MULTILINE)
        if not dm:
            out[m.group(1)] = (False, None)
            continue
        parser = _Parser(body, f"{path} (variable {m.group(1)})")
        parser.i = dm.end()
        value = parser.value()
        if isinstance(value, dict) and optional:
            value = {**optional, **value}
        out[m.group(1)] = (True, value)
    return out


def tfvars(path: Path) -> dict[str, Any]:
    """Top-level `name = value` assignments of a .tfvars file."""
    text = _strip_comments(path.read_text())
    parser = _Parser(text, str(path))
    out: dict[str, Any] = {}
    while True:
        parser.ws()
        if parser.i >= len(text):
            return out
        m = re.compile(r"([A-Za-z_][\w-]*)\s*=").match(text, parser.i)
        if not m:
            raise parser.error("expected name = value")
        parser.i = m.end()
        out[m.group(1)] = parser.value()
