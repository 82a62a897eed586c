"""The verification ladder: a patch is *verified* only when (a) the real validator accepts the
patched file in a sandbox and (b) a re-audit of the patched text shows every finding it claims
to fix gone and no new finding. Anything else leaves it *failed*, with the reason.

The sandbox is a temporary copy of the file's folder (so relative includes resolve); the
validator runs on the copy, never on the live file.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from mamori.analysers.config.interface import ConfigAuditor
from mamori.model import Patch, PatchStatus

log = logging.getLogger(__name__)

VALIDATOR_TIMEOUT = 60.0
"""Seconds a validator may run."""
_SEARCH = ("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")
_MAX_MIRROR_BYTES = 20 * 1024 * 1024


def verify(patch: Patch, auditor: ConfigAuditor) -> Patch:
    """Run the ladder; return the patch with its status and a step-by-step record."""
    if patch.status is PatchStatus.ADVISE_ONLY:
        return patch
    steps: list[str] = []
    ok = _reaudit(patch, auditor, steps)
    if ok:
        ok = _validate(patch, auditor, steps)
    status = PatchStatus.VERIFIED if ok else PatchStatus.FAILED
    return dataclasses.replace(patch, status=status, verification=tuple(steps))


def _reaudit(patch: Patch, auditor: ConfigAuditor, steps: list[str]) -> bool:
    before = Path(patch.path).read_text(encoding="utf-8")
    try:
        old = Counter(v.check.id for v in auditor.audit_text(before, patch.path))
        new = Counter(v.check.id for v in auditor.audit_text(patch.new_content, patch.path))
    except ValueError as e:
        steps.append(f"re-audit: FAILED, patched file no longer parses: {e}")
        return False
    remaining = sorted(c for c in patch.checks if new[c])
    appeared = sorted(c for c in new if new[c] > old[c])
    if remaining or appeared:
        steps.append(f"re-audit: FAILED, still present {remaining or '-'}; new {appeared or '-'}")
        return False
    steps.append(f"re-audit: ok, {', '.join(patch.checks)} gone, nothing new")
    return True


def _validate(patch: Patch, auditor: ConfigAuditor, steps: list[str]) -> bool:
    validator = auditor.validator
    if validator is None:
        steps.append("validator: none exists for this format; parser re-audit only")
        return True
    program = find_program(validator.program)
    if program is None:
        steps.append(f"validator: FAILED, `{validator.program}` is not installed "
                     f"(install the {validator.package} package)")  # fmt: skip
        return False
    tmp = tempfile.mkdtemp(prefix="mamori-verify-")
    try:
        target = _mirror(Path(patch.path), Path(tmp))
        target.write_text(patch.new_content, encoding="utf-8")
        values = {"file": str(target), "dir": str(target.parent),
                  **auditor.prepare_sandbox(Path(tmp), target)}  # fmt: skip
        args = [_fill(a, values) for a in validator.args]
        try:
            done = subprocess.run([program, *args], capture_output=True, text=True,  # noqa: S603
                                  timeout=VALIDATOR_TIMEOUT, cwd=tmp, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            steps.append(f"validator: FAILED, {validator.program} timed out")
            return False
    finally:
        _remove(tmp)
    output = (done.stdout + done.stderr).strip().replace(tmp, "<sandbox>")
    shown = f"{validator.program} {' '.join(validator.args)}"
    if done.returncode != 0:
        steps.append(f"validator: FAILED, `{shown}` exited {done.returncode}: {output[-400:]}")
        return False
    steps.append(f"validator: ok, `{shown}` accepted the patched file")
    return True


def _remove(folder: str) -> None:
    """Delete the sandbox. A validator that daemonises (``redis-server --daemonize yes``)
    returns before its child has written its last log line, so a first attempt can meet a file
    that appeared mid-way; retry for up to a second before leaving the rest behind."""
    for _ in range(20):
        try:
            shutil.rmtree(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)
    shutil.rmtree(folder, ignore_errors=True)
    log.warning("could not remove validator sandbox %s completely", folder)


def _fill(arg: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


def _mirror(path: Path, sandbox: Path) -> Path:
    """Copy the file's folder (bounded in size) so relative includes resolve."""
    folder = path.parent
    dest = sandbox / "root"
    total = 0

    def ignore(d: str, names: list[str]) -> set[str]:
        nonlocal total
        skip = set()
        for n in names:
            p = Path(d) / n
            if p.is_file():
                total += p.stat().st_size
                if total > _MAX_MIRROR_BYTES:
                    skip.add(n)
        return skip

    shutil.copytree(folder, dest, ignore=ignore, symlinks=True)
    return dest / path.name


def find_program(name: str) -> str | None:
    """The validator's path: PATH first, then the sbin folders that PATH often lacks."""
    found = shutil.which(name)
    if found:
        return found
    for d in (str(Path(sys.executable).parent), *_SEARCH):
        candidate = Path(d) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None
