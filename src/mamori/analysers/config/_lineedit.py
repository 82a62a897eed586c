"""Minimal, line-based edits shared by the config auditors' ``fix_text``.

An :class:`Edit` replaces one line, or inserts lines before/after one line. :func:`apply_edits`
applies a batch of them in one pass, keeping every other line (and its line ending) byte for
byte, so a fix never reorders or rewrites what it did not need to touch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Mode = Literal["replace", "before", "after"]

_KEY_VALUE = re.compile(
    r"^(?P<indent>\s*)(?P<key>[^\s=]+)(?P<sep>\s*=\s*|\s+)(?P<value>.*?)(?P<comment>\s+#.*)?$"
)


@dataclass(frozen=True, slots=True)
class Edit:
    """One structured change to one line of a file."""

    line: int
    """1-based line the edit applies to; 0 with ``after`` inserts at the top of the file."""
    mode: Mode
    """Replace the line, or insert ``lines`` before/after it."""
    lines: tuple[str, ...]
    """New line(s), without line endings; empty with ``replace`` deletes nothing (no-op)."""


def split_lines(text: str) -> tuple[list[str], str]:
    """The lines of ``text`` without endings, and the line ending the file uses."""
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.splitlines(), newline


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied; duplicate edits are applied once."""
    lines, newline = split_lines(text)
    replace: dict[int, tuple[str, ...]] = {}
    before: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    for e in dict.fromkeys(edits):
        if e.mode == "replace" and e.lines:
            replace[e.line] = e.lines
        elif e.mode != "replace":
            bucket = before if e.mode == "before" else after
            bucket.setdefault(e.line, []).extend(
                x for x in e.lines if x not in bucket.get(e.line, [])
            )
    out: list[str] = list(after.get(0, []))
    for n, line in enumerate(lines, start=1):
        out.extend(before.get(n, []))
        out.extend(replace.get(n, (line,)))
        out.extend(after.get(n, []))
    beyond = sorted(n for n in (*before, *after) if n > len(lines))
    for n in dict.fromkeys(beyond):
        out.extend((*before.get(n, []), *after.get(n, [])))
    ending = newline if text.endswith(("\n", "\r")) or out != lines else ""
    return newline.join(out) + ending if out else text


def set_value(line: str, value: str) -> str:
    """``key value # comment`` with the value replaced, keeping indent, separator, comment."""
    m = _KEY_VALUE.match(line)
    if m is None:
        raise ValueError(f"not a key/value line: {line!r}")
    return f"{m['indent']}{m['key']}{m['sep']}{value}{m['comment'] or ''}"


def comment_out(line: str, note: str, marker: str = "#") -> str:
    """``line`` commented out with a ``mamori:`` note, keeping its indentation."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    return f"{indent}{marker} mamori: {note}: {stripped}"


def indent_of(line: str) -> str:
    """The leading whitespace of ``line``."""
    return line[: len(line) - len(line.lstrip())]
