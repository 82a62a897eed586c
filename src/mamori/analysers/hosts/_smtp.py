"""Just enough SMTP to read replies, say EHLO and ask for STARTTLS (RFC 5321, RFC 3207)."""

from __future__ import annotations

import asyncio

from mamori.analysers.hosts import _wire

__all__ = ["complete", "ehlo", "reply", "starttls"]

_MAX_LINES = 64


def complete(data: bytes) -> bool:
    """Whether ``data`` ends with the last line of a reply (``250 x``, not ``250-x``)."""
    last = data.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    return data.endswith(b"\n") and last[3:4] != b"-"


async def reply(reader: asyncio.StreamReader, timeout: float) -> tuple[int, list[str]]:
    """One SMTP reply, multi-line or not: (code, its lines); code 0 when it is not SMTP."""
    lines: list[str] = []
    for _ in range(_MAX_LINES):
        raw = await asyncio.wait_for(reader.readline(), timeout)
        line = raw.decode("latin-1").rstrip("\r\n")
        if not raw or len(line) < 3 or not line[:3].isdigit():
            return 0, [*lines, line]
        lines.append(line)
        if line[3:4] != "-":
            return int(line[:3]), lines
    return 0, lines


async def ehlo(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float, t: _wire.Transcript
) -> list[str]:
    """Read the greeting and say EHLO; the extension keywords (upper case). ValueError when
    the peer does not greet with 220 or answer EHLO with 250."""
    code, greeting = await reply(reader, timeout)
    t.got(" | ".join(greeting))
    if code != 220:
        raise ValueError(f"no SMTP greeting: {_wire.printable(' | '.join(greeting))}")
    writer.write(b"EHLO mamori-scan.invalid\r\n")
    t.sent("EHLO mamori-scan.invalid")
    code, lines = await reply(reader, timeout)
    t.got(" | ".join(lines))
    if code != 250:
        raise ValueError(f"EHLO refused: {_wire.printable(' | '.join(lines))}")
    return [line[4:].split()[0].upper() for line in lines[1:] if line[4:].split()]


async def starttls(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float
) -> None:
    """The STARTTLS preamble (an :data:`~._wire.Upgrade`): greeting, EHLO, STARTTLS → 220."""
    await ehlo(reader, writer, timeout, _wire.Transcript())
    writer.write(b"STARTTLS\r\n")
    code, lines = await reply(reader, timeout)
    if code != 220:
        raise ValueError(f"STARTTLS refused: {_wire.printable(' | '.join(lines))}")
