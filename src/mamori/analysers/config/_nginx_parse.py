"""A small tokenizer and tree builder for nginx configuration that keeps line numbers.

Handles blocks, ``;``-terminated directives, single/double-quoted strings with escapes and
``#`` comments. ``include`` directives are kept as ordinary directives (not followed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_SPECIAL = "{};"


@dataclass(frozen=True, slots=True)
class Token:
    """One word, quoted string or punctuation mark."""

    text: str
    """Unquoted text."""
    line: int
    """1-based line where it starts."""
    quoted: bool = False
    """Whether it was written in quotes."""


@dataclass(frozen=True, slots=True)
class Directive:
    """``name args;`` or ``name args { children }``."""

    name: str
    """Directive name, lower-cased."""
    args: tuple[str, ...]
    """Arguments, unquoted."""
    line: int
    """Line of the directive name."""
    end_line: int
    """Line of its ``;`` or closing ``}``."""
    children: tuple[Directive, ...] | None = None
    """Block contents; None for simple directives."""

    @property
    def is_block(self) -> bool:
        """Whether this directive opens a block."""
        return self.children is not None

    def find(self, name: str) -> list[Directive]:
        """Direct children called ``name``."""
        return [c for c in self.children or () if c.name == name]

    def walk(self) -> Iterator[Directive]:
        """This directive and every descendant, depth first."""
        yield self
        for c in self.children or ():
            yield from c.walk()


def _quoted(text: str, i: int, line: int) -> tuple[str, int, int]:
    quote, out, i = text[i], [], i + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == quote:
            return "".join(out), i + 1, line
        line += ch == "\n"
        out.append(ch)
        i += 1
    raise ValueError(f"line {line}: unterminated quoted string")


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text``; raise ValueError on an unterminated string."""
    tokens: list[Token] = []
    i, line = 0, 1
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line, i = line + 1, i + 1
        elif ch.isspace():
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif ch in _SPECIAL:
            tokens.append(Token(ch, line))
            i += 1
        elif ch in "\"'":
            start = line
            word, i, line = _quoted(text, i, line)
            tokens.append(Token(word, start, quoted=True))
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in "{};\"'#":
                j += 1 + (text[j] == "\\")
            tokens.append(Token(text[i:j], line))
            i = j
    return tokens


def parse(text: str) -> Directive:
    """The file as a synthetic ``main`` block; raise ValueError on malformed input."""
    if "\x00" in text:
        raise ValueError("file contains NUL bytes (binary, not an nginx config)")
    tokens = tokenize(text)
    children, pos = _block(tokens, 0, top=True)
    return Directive("main", (), 0, text.count("\n") + 1, tuple(children))


def _block(tokens: list[Token], pos: int, *, top: bool) -> tuple[list[Directive], int]:
    out: list[Directive] = []
    while pos < len(tokens):
        tok = tokens[pos]
        if tok.text == "}" and not tok.quoted:
            if top:
                raise ValueError(f"line {tok.line}: unexpected '}}'")
            return out, pos
        d, pos = _directive(tokens, pos)
        out.append(d)
    if not top:
        raise ValueError("unexpected end of file: missing '}'")
    return out, pos


def _directive(tokens: list[Token], pos: int) -> tuple[Directive, int]:
    head = tokens[pos]
    if head.text in _SPECIAL and not head.quoted:
        raise ValueError(f"line {head.line}: unexpected {head.text!r}")
    args: list[str] = []
    pos += 1
    while pos < len(tokens):
        tok = tokens[pos]
        if tok.quoted or tok.text not in _SPECIAL:
            args.append(tok.text)
            pos += 1
        elif tok.text == ";":
            return Directive(head.text.lower(), tuple(args), head.line, tok.line), pos + 1
        elif tok.text == "{":
            children, pos = _block(tokens, pos + 1, top=False)
            end = tokens[pos].line
            return Directive(
                head.text.lower(), tuple(args), head.line, end, tuple(children)
            ), pos + 1
        else:
            break
    raise ValueError(f"line {head.line}: directive {head.text!r} is not terminated by ';'")
