"""Minimal line edits for config fixers: replace a span, replace a line, insert lines.

Fixers collect their edits in a :class:`LineEdits` and apply them once, so several
violations in one file become one coherent text. Line numbers are 1-based and always refer
to the *original* text; line endings (``\\n`` or ``\\r\\n``) and a missing final newline are
kept as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["LineEdits", "replace_span"]


def replace_span(line: str, start: int, end: int, new: str) -> str:
    """``line`` with the characters ``[start, end)`` replaced by ``new``."""
    if not 0 <= start <= end <= len(line):
        raise ValueError(f"span {start}:{end} is outside a line of {len(line)} characters")
    return line[:start] + new + line[end:]


@dataclass(slots=True)
class LineEdits:
    """Pending edits to one text, applied together by :meth:`apply`."""

    text: str
    """The original text."""
    replaced: dict[int, str] = field(default_factory=dict)
    """New content (without line ending) of a replaced line, by line number."""
    inserted: dict[int, list[str]] = field(default_factory=dict)
    """Lines to insert after a line number (0 = before the first line)."""

    @property
    def lines(self) -> list[str]:
        """The original lines without their endings."""
        return self.text.splitlines()

    def current(self, line_no: int) -> str:
        """Line ``line_no`` as edited so far (or as in the original)."""
        if line_no in self.replaced:
            return self.replaced[line_no]
        return self.lines[line_no - 1]

    def replace(self, line_no: int, new: str) -> None:
        """Replace line ``line_no`` (1-based) with ``new``."""
        if not 1 <= line_no <= len(self.lines):
            raise ValueError(f"line {line_no} is outside the text ({len(self.lines)} lines)")
        self.replaced[line_no] = new

    def insert_after(self, line_no: int, new: str) -> None:
        """Insert ``new`` after line ``line_no`` (0 inserts at the top); once per content."""
        bucket = self.inserted.setdefault(line_no, [])
        if new not in bucket:
            bucket.append(new)

    def apply(self) -> str:
        """The edited text; the original object when nothing changed."""
        if not self.replaced and not self.inserted:
            return self.text
        newline = "\r\n" if "\r\n" in self.text else "\n"
        out: list[str] = list(self.inserted.get(0, []))
        for no, line in enumerate(self.lines, start=1):
            out.append(self.replaced.get(no, line))
            out.extend(self.inserted.get(no, []))
        tail = newline if self.text.endswith(("\n", "\r")) or not self.text else ""
        return newline.join(out) + tail
