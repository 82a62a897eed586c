"""A parser for ``redis.conf`` that keeps where every argument sits in its line.

Redis reads one directive per line: a case-insensitive name and arguments split like a shell
(``"..."`` with backslash escapes, ``'...'`` with ``\\'``); a ``#`` only starts a comment at the
beginning of a line. A closing quote must be followed by a space or the end of the line, else
Redis refuses the file ("Unbalanced quotes") — and so does this parser, with ``ValueError``.
For single-valued directives the last one wins; ``rename-command`` and ``user`` accumulate.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RedisDirective", "parse_redis_conf"]


@dataclass(frozen=True, slots=True)
class RedisDirective:
    """One directive line."""

    name: str
    """Directive name, lower-cased."""
    args: tuple[str, ...]
    """Arguments with quotes and escapes resolved."""
    line: int
    """1-based line number."""
    start: int
    """Column where the first argument starts (end of the name when there is none)."""
    end: int
    """Column just after the last argument."""


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}


def _quoted(raw: str, i: int, no: int) -> tuple[str, int]:
    """Read a quoted argument starting at ``raw[i]``; return its value and the end column."""
    quote, out, i = raw[i], [], i + 1
    while i < len(raw):
        c = raw[i]
        if quote == '"' and c == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt == "x" and i + 3 < len(raw) and _is_hex(raw[i + 2 : i + 4]):
                out.append(chr(int(raw[i + 2 : i + 4], 16)))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if quote == "'" and raw.startswith("\\'", i):
            out.append("'")
            i += 2
            continue
        if c == quote:
            if i + 1 < len(raw) and not raw[i + 1].isspace():
                break
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise ValueError(f"line {no}: unbalanced quotes")


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _split(raw: str, no: int) -> list[tuple[str, int, int]]:
    """Arguments of a line with their (start, end) columns."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(raw):
        if raw[i].isspace():
            i += 1
            continue
        start = i
        if raw[i] in "\"'":
            value, i = _quoted(raw, i, no)
        else:
            while i < len(raw) and not raw[i].isspace():
                i += 1
            value = raw[start:i]
        out.append((value, start, i))
    return out


def parse_redis_conf(text: str) -> list[RedisDirective]:
    """Every directive of a redis.conf text, in file order."""
    directives: list[RedisDirective] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = _split(raw, no)
        name, _, name_end = parts[0]
        args = parts[1:]
        start = args[0][1] if args else name_end
        end = args[-1][2] if args else name_end
        value_args = tuple(a[0] for a in args)
        directives.append(RedisDirective(name.lower(), value_args, no, start, end))
    return directives
