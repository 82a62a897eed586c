"""A small parser for ``sshd_config``: the global block and ``Match`` blocks of directives.

sshd keywords are case-insensitive and the *first* value obtained wins, in the global section
and within each ``Match`` block (a satisfied ``Match`` overrides the global value).
``Include`` lines are recorded but not followed: the auditor sees one file at a time.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SPLIT = re.compile(r"^\s*(?P<key>[^\s=]+)(?:\s*=\s*|\s+)?(?P<args>.*)$")


@dataclass(frozen=True, slots=True)
class Directive:
    """One ``Keyword value`` line."""

    line: int
    """1-based line number."""
    key: str
    """Keyword, lower-cased."""
    args: str
    """Everything after the keyword, trailing comment removed."""
    raw: str
    """The original line text."""


@dataclass(frozen=True, slots=True)
class Block:
    """The global section (``header`` is None) or one ``Match`` block."""

    header: Directive | None
    """The ``Match`` line opening the block; None for the global section."""
    directives: tuple[Directive, ...]
    """Directives in file order."""

    @property
    def context(self) -> str:
        """How to name the block to people."""
        return "global" if self.header is None else f"Match {self.header.args}"

    def first(self, key: str) -> Directive | None:
        """The directive that takes effect for ``key`` in this block (first one wins)."""
        return next((d for d in self.directives if d.key == key), None)


@dataclass(frozen=True, slots=True)
class SshdConfig:
    """A parsed file."""

    blocks: tuple[Block, ...]
    """Global section first, then each ``Match`` block in order."""
    includes: tuple[Directive, ...]
    """``Include`` lines, which this parser does not follow."""
    line_count: int
    """Number of lines in the file."""

    @property
    def global_block(self) -> Block:
        """The section before the first ``Match``."""
        return self.blocks[0]

    @property
    def first_match_line(self) -> int:
        """Line of the first ``Match``, or 0 when there is none."""
        header = self.blocks[1].header if len(self.blocks) > 1 else None
        return header.line if header else 0


def strip_comment(text: str) -> str:
    """``text`` without a trailing ``#`` comment (``#`` must start a word, as sshd reads it)."""
    m = re.search(r"(^|\s)#", text)
    return text[: m.start()].rstrip() if m else text.strip()


def _directive(n: int, raw: str) -> Directive | None:
    body = strip_comment(raw)
    if not body:
        return None
    m = _SPLIT.match(body)
    if m is None or not _KEYWORD.fullmatch(m["key"]):
        raise ValueError(f"line {n}: not an sshd directive: {body[:60]!r}")
    return Directive(n, m["key"].lower(), m["args"].strip(), raw)


def parse(text: str) -> SshdConfig:
    """Parse ``text``; raise ValueError on binary content or malformed lines."""
    if "\x00" in text:
        raise ValueError("file contains NUL bytes (binary, not an sshd_config)")
    blocks: list[Block] = []
    header: Directive | None = None
    current: list[Directive] = []
    includes: list[Directive] = []
    lines = text.splitlines()
    for n, raw in enumerate(lines, start=1):
        d = _directive(n, raw)
        if d is None:
            continue
        if d.key == "include":
            includes.append(d)
        if d.key == "match":
            if not d.args:
                raise ValueError(f"line {n}: Match without criteria")
            blocks.append(Block(header, tuple(current)))
            header, current = d, []
        else:
            current.append(d)
    blocks.append(Block(header, tuple(current)))
    return SshdConfig(tuple(blocks), tuple(includes), len(lines))


def words(args: str) -> list[str]:
    """The arguments split like sshd does (double quotes group words)."""
    try:
        return shlex.split(args, comments=False, posix=True)
    except ValueError as e:
        raise ValueError(f"unbalanced quotes in {args!r}") from e
