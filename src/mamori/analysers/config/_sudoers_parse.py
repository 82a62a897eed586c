"""A small ``sudoers`` parser: Defaults, aliases and user specifications, with line numbers.

Handles ``\\`` line continuations, ``#`` comments (but ``#include``/``#includedir`` and
``@include`` are include directives, recorded and not followed), ``Cmnd_Alias`` expansion,
``(runas)`` lists and tags (``NOPASSWD:``) that carry over to later commands of a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ALIAS = re.compile(r"^(User|Runas|Host|Cmnd|Cmd)_Alias\s+(?P<body>.+)$")
_SPEC = re.compile(r"^(?P<who>\S+(?:\s*,\s*\S+)*)\s+(?P<host>[^=\s]+(?:\s*,\s*[^=\s]+)*)\s*="
                   r"\s*(?P<rest>.*)$")  # fmt: skip
_TAG = re.compile(r"^(?P<tag>[A-Z_]+):\s*")
_RUNAS = re.compile(r"^\((?P<runas>[^)]*)\)\s*")
_INCLUDE = re.compile(r"^[#@]include(dir)?\s")
_UID_SPEC = re.compile(r"^#\d+\s")


@dataclass(frozen=True, slots=True)
class Command:
    """One command of a user specification, with the tags in force for it."""

    text: str
    """Command with arguments (``/usr/bin/vi /etc/hosts``) or ``ALL``/an alias name."""
    tags: frozenset[str]
    """Tags in force (``NOPASSWD``, ``NOEXEC``…)."""
    runas: str
    """The ``(runas)`` list in force, empty when none was written (root)."""
    negated: bool = False
    """Written as ``!cmd``."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One logical line (continuations joined)."""

    line: int
    """1-based first physical line."""
    kind: str
    """``defaults``, ``alias``, ``spec`` or ``include``."""
    text: str
    """The joined logical line, comment removed."""
    who: str = ""
    """For a spec: the user list (``%admins``, ``alice``)."""
    commands: tuple[Command, ...] = ()
    """For a spec: its commands."""


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for n, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not parts and _is_comment(stripped):
            continue
        start = start or n
        if stripped.endswith("\\"):
            parts.append(stripped[:-1])
            continue
        out.append((start, " ".join([*parts, stripped]).strip()))
        start, parts = 0, []
    if parts:
        raise ValueError(f"line {start}: continuation '\\' at end of file")
    return out


def _is_comment(stripped: str) -> bool:
    """Blank or ``#`` comment; ``#include`` and ``#1001 ALL=...`` (a uid) are not comments."""
    if not stripped:
        return True
    return stripped.startswith("#") and not (_INCLUDE.match(stripped) or _UID_SPEC.match(stripped))


def _strip_comment(text: str) -> str:
    m = re.search(r"(?<!\\)#(?!\d)", text)
    return text[: m.start()].rstrip() if m else text


def _split_commands(rest: str) -> list[str]:
    return [c.strip().replace("\\,", ",") for c in re.split(r"(?<!\\),", rest) if c.strip()]


def _commands(rest: str, aliases: dict[str, list[str]]) -> tuple[Command, ...]:
    out: list[Command] = []
    tags: set[str] = set()
    runas = ""
    for item in _split_commands(rest):
        if m := _RUNAS.match(item):
            runas, item = m["runas"].strip(), item[m.end() :]
        while m := _TAG.match(item):
            tags.add(m["tag"])
            tags.discard(m["tag"][2:] if m["tag"].startswith("NO") else "NO" + m["tag"])
            item = item[m.end() :]
        negated = item.startswith("!")
        body = item.lstrip("!").strip()
        expanded = aliases.get(body, [body])
        out.extend(Command(x, frozenset(tags), runas, negated) for x in expanded)
    return tuple(out)


def parse(text: str) -> list[Entry]:
    """Entries of a sudoers file; raise ValueError on malformed lines or binary content."""
    if "\x00" in text:
        raise ValueError("file contains NUL bytes (binary, not a sudoers file)")
    entries: list[Entry] = []
    aliases: dict[str, list[str]] = {}
    for n, raw in _logical_lines(text):
        if _INCLUDE.match(raw):
            entries.append(Entry(n, "include", raw))
            continue
        body = _strip_comment(raw)
        if not body:
            continue
        if re.match(r"^Defaults([:@>!]\S+)?(\s|$)", body):
            entries.append(Entry(n, "defaults", body))
        elif m := _ALIAS.match(body):
            if m.group(1) in {"Cmnd", "Cmd"}:
                for part in re.split(r"\s*:\s*(?=[A-Z][A-Z0-9_]*\s*=)", m["body"]):
                    name, _, value = part.partition("=")
                    aliases[name.strip()] = [c.text for c in _commands(value, {})]
            entries.append(Entry(n, "alias", body))
        elif m := _SPEC.match(body):
            entries.append(Entry(n, "spec", body, m["who"], _commands(m["rest"], aliases)))
        else:
            raise ValueError(f"line {n}: not a sudoers rule: {body[:60]!r}")
    return entries
