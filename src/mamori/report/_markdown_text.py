"""Putting untrusted text into Markdown without letting it change the document.

Three contexts, three tools:

* :func:`escape` — running text and table cells: every character Markdown (CommonMark + GFM)
  could read as syntax is backslash-escaped, line breaks become spaces, so a title cannot
  open a link, inline HTML, emphasis, a new table cell, an ``@mention`` or an issue reference;
* :func:`code_span` — short literals outside tables (paths, rule ids): the delimiter is one
  backtick longer than the longest backtick run inside, as CommonMark prescribes;
* :func:`fence` — multi-line evidence: a backtick fence longer than any backtick run inside,
  so no line of the evidence can close it.

Callers pass text already cleaned by ``mamori.report._text.clean``.
"""

from __future__ import annotations

import re

_SPECIAL = frozenset("\\`*_[]<>#|~&@$")
"""Characters that can start inline syntax (emphasis, code, links, HTML, entities, cells,
strike-through, mentions, issue references, math); with ``[`` escaped, ``(`` and ``!`` are
inert, and escaped text never starts a line, so block markers (``-``, ``1.``) are inert too."""
_BACKTICKS = re.compile(r"`+")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def escape(text: str) -> str:
    """``text`` as literal inline Markdown (safe inside GFM table cells too)."""
    flat = _LINE_BREAKS.sub(" ", text).strip()
    return "".join(f"\\{c}" if c in _SPECIAL else c for c in flat)


def _longest_backtick_run(text: str) -> int:
    return max((len(m) for m in _BACKTICKS.findall(text)), default=0)


def code_span(text: str) -> str:
    """``text`` as an inline code span that no backtick inside it can end (not for tables)."""
    flat = _LINE_BREAKS.sub(" ", text).strip()
    if not flat:
        return ""
    ticks = "`" * (_longest_backtick_run(flat) + 1)
    pad = " " if flat[0] in "` " or flat[-1] in "` " else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def fence(text: str, info: str = "text") -> str:
    """``text`` as a fenced code block whose fence no line of ``text`` can close."""
    ticks = "`" * max(3, _longest_backtick_run(text) + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{ticks}{info}\n{body}{ticks}"
