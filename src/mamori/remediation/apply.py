"""Patch book-keeping, atomic apply, exact rollback.

Layout under the fixes folder (default ``.mamori/fixes``)::

    patches/<patch id>.json      every proposed patch with its verification record
    actions/<action id>.json     what was applied: path, hashes before/after, mode, owner
    backups/<action id>.orig     the original bytes, restored exactly by rollback

Writes are atomic: the new content goes to a temporary file in the same folder, is fsynced,
gets the original's permissions and owner, then replaces the file with ``os.replace`` and the
folder is fsynced. A process killed at any point leaves either the old or the new file, never a
half-written one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mamori.model import Fingerprint, Patch, PatchStatus
from mamori.remediation.interface import RemediationError

DEFAULT_FIXES_DIR = ".mamori/fixes"
"""Where patches, action records and backups are kept (relative to the cwd)."""


@dataclass(frozen=True, slots=True)
class AppliedAction:
    """A record of one applied patch, enough to roll it back exactly."""

    id: str
    """Action id."""
    patch_id: str
    """The patch that was applied."""
    path: str
    """The file changed."""
    before_sha256: str
    """Hash of the original bytes."""
    after_sha256: str
    """Hash of the written bytes."""
    mode: int
    """Original permission bits."""
    uid: int
    """Original owner."""
    gid: int
    """Original group."""
    applied_at: str
    """When."""
    applied_by: str
    """Who (or which policy rule) allowed it."""
    rolled_back_at: str = ""
    """When it was rolled back, if it was."""


class FixStore:
    """Patches, action records and backups on disk."""

    def __init__(self, folder: str | Path = DEFAULT_FIXES_DIR) -> None:
        self.folder = Path(folder)

    def save_patches(self, patches: list[Patch]) -> None:
        """Record proposed patches (replacing older records with the same id)."""
        for p in patches:
            _atomic_write(self.folder / "patches" / f"{p.id}.json", _dump(_patch_doc(p)))

    def patches(self) -> list[Patch]:
        """Every recorded patch, verified first."""
        items = [_load_patch(p) for p in sorted((self.folder / "patches").glob("*.json"))]
        order = {PatchStatus.VERIFIED: 0, PatchStatus.PROPOSED: 1, PatchStatus.ADVISE_ONLY: 2,
                 PatchStatus.FAILED: 3}  # fmt: skip
        return sorted(items, key=lambda p: (order[p.status], p.display_path, p.id))

    def patch(self, patch_id: str) -> Patch:
        """One patch by id or unique prefix."""
        found = list((self.folder / "patches").glob(f"{patch_id}*.json"))
        if len(found) != 1:
            raise RemediationError(f"{'no' if not found else 'more than one'} patch matches "
                                   f"{patch_id!r}", hint="see `mamori fix list`")  # fmt: skip
        return _load_patch(found[0])

    def action(self, action_id: str) -> AppliedAction:
        """One applied action by id or unique prefix."""
        found = list((self.folder / "actions").glob(f"{action_id}*.json"))
        if len(found) != 1:
            raise RemediationError(f"no single applied action matches {action_id!r}")
        return AppliedAction(**json.loads(found[0].read_text()))

    def apply(self, patch: Patch, applied_by: str) -> AppliedAction:
        """Write the patched content atomically, keeping a backup; refuse unsafe cases."""
        if patch.status is not PatchStatus.VERIFIED:
            raise RemediationError(f"patch {patch.id} is {patch.status.value}, not verified; "
                                   "only verified patches are applied")  # fmt: skip
        path = Path(patch.path)
        original = path.read_bytes()
        if hashlib.sha256(original).hexdigest() != patch.original_sha256:
            raise RemediationError(f"{patch.display_path} changed since the patch was made",
                                   hint="re-run the scan to get a fresh patch")  # fmt: skip
        st = path.stat()
        action_id = uuid.uuid4().hex[:12]
        _atomic_write(self.folder / "backups" / f"{action_id}.orig", original, mode=0o600)
        new = patch.new_content.encode("utf-8")
        record = AppliedAction(action_id, patch.id, str(path), patch.original_sha256,
                               hashlib.sha256(new).hexdigest(), st.st_mode & 0o7777, st.st_uid,
                               st.st_gid, _now(), applied_by)  # fmt: skip
        _atomic_write(
            self.folder / "actions" / f"{action_id}.json", _dump(dataclasses.asdict(record))
        )
        _atomic_write(path, new, mode=record.mode, owner=(record.uid, record.gid))
        return record

    def rollback(self, action_id: str, *, force: bool = False) -> AppliedAction:
        """Restore the original bytes, mode and owner exactly."""
        record = self.action(action_id)
        if record.rolled_back_at:
            raise RemediationError(f"action {record.id} was already rolled back")
        path = Path(record.path)
        current = path.read_bytes() if path.exists() else b""
        if hashlib.sha256(current).hexdigest() != record.after_sha256 and not force:
            raise RemediationError(f"{path} changed after the patch was applied",
                                   hint="inspect it; --force restores the backup")  # fmt: skip
        original = (self.folder / "backups" / f"{record.id}.orig").read_bytes()
        if hashlib.sha256(original).hexdigest() != record.before_sha256:
            raise RemediationError(f"backup for {record.id} is corrupt; not restoring it")
        _atomic_write(path, original, mode=record.mode, owner=(record.uid, record.gid))
        done = dataclasses.replace(record, rolled_back_at=_now())
        _atomic_write(
            self.folder / "actions" / f"{record.id}.json", _dump(dataclasses.asdict(done))
        )
        return done


def _atomic_write(path: Path, data: bytes, *, mode: int = 0o644,
                  owner: tuple[int, int] | None = None) -> None:  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mamori-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if owner is not None and os.geteuid() == 0:
            os.chown(tmp, *owner)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _patch_doc(p: Patch) -> dict[str, Any]:
    doc = dataclasses.asdict(p)
    doc["status"] = p.status.value
    return doc


def _load_patch(path: Path) -> Patch:
    doc = json.loads(path.read_text())
    doc["status"] = PatchStatus(doc["status"])
    doc["fixes"] = tuple(Fingerprint(f) for f in doc["fixes"])
    doc["checks"] = tuple(doc["checks"])
    doc["verification"] = tuple(doc["verification"])
    return Patch(**doc)


def _dump(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2, sort_keys=True).encode()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
