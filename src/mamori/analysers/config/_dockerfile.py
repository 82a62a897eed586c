"""A Dockerfile parser: instructions with their line ranges and build stages.

It follows BuildKit's reading rules closely enough to reject what ``docker build`` would
refuse: instructions are case-insensitive and must be known; a trailing escape character
(``\\``, or the one set by a ``# escape=`` parser directive) continues the instruction, and
comment lines inside a continuation are dropped; ``<<EOF`` here-documents in ``RUN``/``COPY``/
``ADD`` run until their delimiter line. Broken input raises ``ValueError`` naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["INSTRUCTIONS", "Instruction", "parse_dockerfile"]

INSTRUCTIONS = frozenset(
    {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
     "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
)  # fmt: skip

_DIRECTIVE = re.compile(r"^#\s*(syntax|escape|check)\s*=\s*(\S+)\s*$", re.IGNORECASE)
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][\w-]*)\2")
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(?:\s+|$)(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Instruction:
    """One Dockerfile instruction."""

    keyword: str
    """Instruction keyword, upper-cased (``RUN``)."""
    args: str
    """Everything after the keyword, continuations joined with spaces, here-docs appended."""
    line: int
    """1-based line where the instruction starts."""
    end_line: int
    """Last line it spans."""
    stage: int
    """Index of the build stage it belongs to (0 for instructions before the first FROM)."""


def _escape_char(lines: list[str]) -> str:
    for raw in lines:
        m = _DIRECTIVE.match(raw.strip())
        if m is None:
            break
        if m[1].lower() == "escape":
            if m[2] not in ("\\", "`"):
                raise ValueError(f"invalid escape directive {m[2]!r}: use \\ or `")
            return m[2]
    return "\\"


def _heredocs(lines: list[str], start: int, args: str) -> tuple[str, int]:
    """Append here-document bodies named in ``args``; return new args and next line index."""
    i = start
    for m in _HEREDOC.finditer(args):
        strip, delimiter = m[1] == "-", m[3]
        body: list[str] = []
        while True:
            if i >= len(lines):
                raise ValueError(f"here-document {delimiter!r} is never closed")
            text = lines[i].lstrip("\t") if strip else lines[i]
            i += 1
            if text.strip() == delimiter:
                break
            body.append(lines[i - 1])
        args += "\n" + "\n".join(body)
    return args, i


def parse_dockerfile(text: str) -> list[Instruction]:
    """Every instruction of a Dockerfile text, in order."""
    lines = text.splitlines()
    escape = _escape_char(lines)
    out: list[Instruction] = []
    stage, i = 0, 0
    while i < len(lines):
        raw = lines[i]
        if not raw.strip() or raw.lstrip().startswith("#"):
            i += 1
            continue
        start, parts = i, []
        while True:
            stripped = raw.rstrip()
            if not stripped.endswith(escape):
                parts.append(stripped)
                i += 1
                break
            parts.append(stripped[: -len(escape)])
            i += 1
            while i < len(lines) and lines[i].lstrip().startswith("#"):
                i += 1  # comment lines inside a continuation are removed
            if i >= len(lines):
                raise ValueError(f"line {start + 1}: continuation runs past the end of the file")
            raw = lines[i]
        m = _INSTRUCTION.match(" ".join(p.strip() for p in parts))
        keyword = m[1].upper() if m else ""
        if m is None or keyword not in INSTRUCTIONS:
            word = parts[0].split()[0] if parts[0].split() else parts[0]
            raise ValueError(f"line {start + 1}: unknown instruction {word!r}")
        args = m[2].strip()
        if keyword in ("RUN", "COPY", "ADD") and "<<" in args:
            args, i = _heredocs(lines, i, args)
        if keyword == "FROM":
            stage += 1
            if not args:
                raise ValueError(f"line {start + 1}: FROM needs an image")
        out.append(Instruction(keyword, args, start + 1, i, stage))
    return out
