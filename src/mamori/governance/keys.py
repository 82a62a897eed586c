"""Ed25519 signing keys for the ledger: generated on first use, 0600, optional passphrase,
rotation that keeps old public keys for verification, and trusted peer keys for witnessing.

Folder layout::

    keys/active.pem          the current private key (PKCS#8, encrypted if a passphrase is set)
    keys/<name>-<id>.pub     every public key this ledger ever signed with (raw, base64)
    keys/peers/<name>-<id>.pub   other institutions' keys whose checkpoints we witness
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mamori.errors import MamoriError
from mamori.governance.checkpoint import Checkpoint, Signature

PASSPHRASE_ENV = "MAMORI_LEDGER_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
"""Environment variable holding the key passphrase, when one is used."""


class KeyError_(MamoriError):  # noqa: N801 - avoid shadowing the builtin KeyError
    """A key cannot be created, loaded or used."""

    exit_code = 2


def key_id(name: str, public: bytes) -> bytes:
    """Signed-note key id: first 4 bytes of SHA-256(name ‖ '\\n' ‖ 0x01 ‖ public key)."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A named Ed25519 public key."""

    name: str
    """Key name as it appears in signature lines."""
    raw: bytes
    """32-byte public key."""

    @property
    def id(self) -> bytes:
        """4-byte key id."""
        return key_id(self.name, self.raw)

    def verifies(self, cp: Checkpoint, sig: Signature) -> bool:
        """Whether ``sig`` is this key's valid signature over ``cp``."""
        if (sig.name, sig.key_id) != (self.name, self.id):
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(sig.signature, cp.body())
        except InvalidSignature:
            return False
        return True

    def encode(self) -> str:
        """``name+id+base64`` text form (like a signed-note verifier key)."""
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(self.raw).decode()}"

    @classmethod
    def decode(cls, text: str) -> PublicKey:
        """Parse :meth:`encode`'s form; raise ValueError when it is malformed."""
        try:
            name, kid, b64 = text.strip().split("+", 2)
            key = cls(name, base64.b64decode(b64, validate=True))
        except ValueError as e:
            raise ValueError(f"bad public key text: {e}") from e
        if len(key.raw) != 32 or key.id.hex() != kid:
            raise ValueError("public key text does not match its key id")
        return key


class KeyRing:
    """This ledger's active signing key, its retired public keys, and trusted peers."""

    def __init__(self, folder: Path, name: str, private: Ed25519PrivateKey) -> None:
        self.folder = folder
        self.name = name
        self._private = private
        self._own: list[PublicKey] | None = None

    @classmethod
    def open(
        cls, folder: str | Path, *, name: str = "mamori", passphrase: bytes | None = None
    ) -> KeyRing:
        """Load the active key, generating it on first use."""
        folder = Path(folder)
        passphrase = passphrase or _env_passphrase()
        active = folder / "active.pem"
        if not active.exists():
            ring = cls(folder, name, Ed25519PrivateKey.generate())
            ring._save(passphrase)
            return ring
        try:
            key = serialization.load_pem_private_key(active.read_bytes(), passphrase)
        except (TypeError, ValueError) as e:
            raise KeyError_(
                f"cannot load ledger key {active}: {e}",
                hint=f"set {PASSPHRASE_ENV} if the key has a passphrase",
            ) from e
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyError_(f"{active} is not an Ed25519 key")
        return cls(folder, name, key)

    @property
    def public(self) -> PublicKey:
        """The active public key."""
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return PublicKey(self.name, raw)

    def sign(self, cp: Checkpoint) -> Checkpoint:
        """``cp`` with this key's signature line added."""
        pub = self.public
        return cp.with_signature(Signature(pub.name, pub.id, self._private.sign(cp.body())))

    def own_keys(self) -> list[PublicKey]:
        """Every public key this ledger has signed with (active and retired)."""
        if self._own is None:
            self._own = [PublicKey.decode(p.read_text()) for p in sorted(self.folder.glob("*.pub"))]
        return self._own

    def peer_keys(self) -> list[PublicKey]:
        """Public keys of peers whose checkpoints we witness."""
        peers = self.folder / "peers"
        return [PublicKey.decode(p.read_text()) for p in sorted(peers.glob("*.pub"))]

    def verify(self, cp: Checkpoint, *, peers: bool = False) -> bool:
        """Whether ``cp`` carries a valid signature from one of our own (or peers') keys."""
        keys = self.peer_keys() if peers else self.own_keys()
        return any(k.verifies(cp, s) for s in cp.signatures for k in keys)

    def trust_peer(self, key: PublicKey) -> Path:
        """Record a peer's public key for witnessing."""
        path = self.folder / "peers" / _filename(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key.encode() + "\n")
        return path

    def rotate(self, passphrase: bytes | None = None) -> PublicKey:
        """Replace the active key; the old public key stays for verifying old heads."""
        self._private = Ed25519PrivateKey.generate()
        self._save(passphrase or _env_passphrase())
        return self.public

    def _save(self, passphrase: bytes | None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        algo: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        pem = self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algo
        )
        tmp = self.folder / "active.pem.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "active.pem")
        pub = self.public
        (self.folder / _filename(pub)).write_text(pub.encode() + "\n")
        self._own = None


def _filename(key: PublicKey) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", key.name)
    return f"{safe}-{key.id.hex()}.pub"


def _env_passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode() if value else None
