"""Signed tree heads in the checkpoint text format (C2SP tlog-checkpoint, signed-note style).

::

    mamori.kawasemi-bank.example        origin: which log
    1042                                 tree size
    m8k0...base64 root hash...=          root hash
                                         blank line
    — mamori 4BF6...base64(key id ‖ Ed25519 signature)...

The signed message is the first three lines, each ending in a newline. Several signature
lines may follow (the log's own, then witnesses' co-signatures).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field, replace

_DASH = "\u2014"


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line."""

    name: str
    """Signer's key name."""
    key_id: bytes
    """4-byte key id (hash of name and public key)."""
    signature: bytes
    """Ed25519 signature over the checkpoint body."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: origin, size and root hash, with zero or more signatures."""

    origin: str
    """Name of the log."""
    size: int
    """Number of entries the head covers."""
    root: bytes
    """RFC 6962 root hash of those entries."""
    signatures: tuple[Signature, ...] = field(default_factory=tuple)
    """Signature lines, the log's own first."""

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise ValueError("checkpoint origin must be one non-empty line")
        if self.size < 0 or len(self.root) != 32:
            raise ValueError("checkpoint needs a size >= 0 and a 32-byte root")

    def body(self) -> bytes:
        """The signed bytes."""
        root = base64.b64encode(self.root).decode()
        return f"{self.origin}\n{self.size}\n{root}\n".encode()

    def text(self) -> str:
        """The full checkpoint text with signature lines."""
        lines = [
            f"{_DASH} {s.name} {base64.b64encode(s.key_id + s.signature).decode()}\n"
            for s in self.signatures
        ]
        return self.body().decode() + "\n" + "".join(lines)

    def with_signature(self, sig: Signature) -> Checkpoint:
        """A copy with one more signature line."""
        return replace(self, signatures=(*self.signatures, sig))

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse checkpoint text; raise ValueError saying what is malformed."""
        head, sep, sigs = text.partition("\n\n")
        if not sep:
            raise ValueError("no blank line between the checkpoint body and its signatures")
        lines = head.split("\n")
        if len(lines) < 3:
            raise ValueError("checkpoint body needs origin, size and root lines")
        try:
            size = int(lines[1])
            root = base64.b64decode(lines[2], validate=True)
        except (ValueError, binascii.Error) as e:
            raise ValueError(f"bad size or root line: {e}") from e
        signatures = tuple(_parse_sig(line) for line in sigs.splitlines() if line.strip())
        return cls(lines[0], size, root, signatures)


def _parse_sig(line: str) -> Signature:
    parts = line.split(" ")
    if len(parts) != 3 or parts[0] != _DASH:
        raise ValueError(f"bad signature line {line[:40]!r}")
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except binascii.Error as e:
        raise ValueError(f"signature line is not base64: {e}") from e
    if len(raw) != 68:
        raise ValueError("signature must be a 4-byte key id plus a 64-byte Ed25519 signature")
    return Signature(parts[1], raw[:4], raw[4:])
