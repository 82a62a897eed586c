"""SSH checks, from the ``ssh-audit`` tool's JSON report (``ssh-audit -j host:port``).

ssh-audit grades each offered algorithm (``fail``/``warn``/``info`` notes). Weak means:

* ciphers: any ``fail`` note, or a ``warn`` about CBC mode or 64-bit blocks;
* MACs: any ``fail`` note (MD5, SHA-1), or a ``warn`` about a 64-bit tag;
* key exchange and host keys: any ``fail`` note (SHA-1, 1024-bit groups, small keys).

Post-quantum ``warn`` notes and encrypt-and-MAC ordering are not reported: the config
auditor (``sshd``) takes the same line, so both analysers agree. ssh-audit's connection-rate
(DHEat) test is always skipped: it opens dozens of connections and is a load test.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mamori.analysers.hosts._checks import Check, Hit
from mamori.analysers.hosts._wire import printable
from mamori.errors import AnalyserError
from mamori.model import Confidence, CweId, Severity

log = logging.getLogger(__name__)

__all__ = ["CHECKS", "check_ssh", "ssh_audit_path"]

_MOZ = "https://infosec.mozilla.org/guidelines/openssh; https://www.ssh-audit.com/"
WEAK_CIPHERS = Check("HOST-SSH-WEAK-CIPHERS", "SSH server offers weak ciphers",
                     Severity.MEDIUM, CweId(327), _MOZ)  # fmt: skip
WEAK_MACS = Check("HOST-SSH-WEAK-MACS", "SSH server offers weak MAC algorithms",
                  Severity.MEDIUM, CweId(327), _MOZ)  # fmt: skip
WEAK_KEX = Check("HOST-SSH-WEAK-KEX", "SSH server offers weak key exchange",
                 Severity.MEDIUM, CweId(327), _MOZ)  # fmt: skip
WEAK_HOSTKEY = Check("HOST-SSH-WEAK-HOSTKEY", "SSH server uses a weak host key or signature",
                     Severity.MEDIUM, CweId(327), _MOZ)  # fmt: skip
OUTDATED = Check("HOST-SSH-OUTDATED", "SSH server software is outdated", Severity.MEDIUM,
                 CweId(1104), "https://www.openssh.com/security.html")  # fmt: skip
CHECKS = (WEAK_CIPHERS, WEAK_MACS, WEAK_KEX, WEAK_HOSTKEY, OUTDATED)

MIN_OPENSSH = (9, 8)
"""OpenSSH releases before this have published remote vulnerabilities (CVE-2024-6387 in
8.5-9.7, CVE-2023-48795 before 9.6, CVE-2023-38408 before 9.3p2)."""

_WARN_WEAK = {
    "enc": re.compile(r"cipher mode|64-bit block", re.IGNORECASE),
    "mac": re.compile(r"64-bit tag", re.IGNORECASE),
}
_DISTRO = re.compile(r"debian|ubuntu|deb\d|el\d|rhel|fedora|suse", re.IGNORECASE)


class _Notes(BaseModel):
    model_config = ConfigDict(extra="ignore")
    fail: list[str] = Field(default_factory=list)
    warn: list[str] = Field(default_factory=list)


class _Alg(BaseModel):
    model_config = ConfigDict(extra="ignore")
    algorithm: str
    keysize: int | None = None
    notes: _Notes = Field(default_factory=_Notes)


class _Banner(BaseModel):
    model_config = ConfigDict(extra="ignore")
    raw: str = ""
    software: str | None = ""
    comments: str | None = ""


class _Report(BaseModel):
    model_config = ConfigDict(extra="ignore")
    banner: _Banner = Field(default_factory=_Banner)
    enc: list[_Alg] = Field(default_factory=list)
    mac: list[_Alg] = Field(default_factory=list)
    kex: list[_Alg] = Field(default_factory=list)
    key: list[_Alg] = Field(default_factory=list)


def ssh_audit_path() -> str:
    """The ``ssh-audit`` executable next to this Python, else on PATH; AnalyserError if none."""
    beside = Path(sys.executable).parent / "ssh-audit"
    found = str(beside) if beside.exists() else shutil.which("ssh-audit")
    if not found:
        raise AnalyserError("ssh-audit is not installed", hint="pip install ssh-audit")
    return found


async def run_ssh_audit(host: str, port: int, timeout: float = 10.0) -> str:
    """The raw JSON text ``ssh-audit`` prints for ``host:port``."""
    cmd = [ssh_audit_path(), "-j", "--skip-rate-test", "-t", str(max(1, int(timeout / 2)))]
    cmd += ["-p", str(port), host]
    log.info("probe ssh-audit on %s:%d", host, port)
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError as e:
        proc.kill()
        await proc.wait()
        raise AnalyserError(f"ssh-audit timed out on {host}:{port} after {timeout}s") from e
    if not out.strip():
        why = printable(err.strip().splitlines()[-1] if err.strip() else b"no output")
        raise AnalyserError(f"ssh-audit could not audit {host}:{port}: {why}")
    return out.decode("utf-8", "replace")


def parse_report(text: str, where: str) -> _Report:
    """Validate ssh-audit's JSON; AnalyserError naming ``where`` when it is not a report."""
    try:
        return _Report.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as e:
        raise AnalyserError(f"ssh-audit output for {where} is not a JSON report: {e}") from e


async def check_ssh(host: str, port: int, timeout: float = 10.0) -> list[Hit]:
    """SSH weaknesses of ``host:port``."""
    report = parse_report(await run_ssh_audit(host, port, timeout), f"{host}:{port}")
    return hits_from_report(report, host, port)


def hits_from_report(report: _Report, host: str, port: int) -> list[Hit]:
    """Hits for the weak algorithms and outdated software in one ssh-audit report."""
    hits = [
        _algo_hit(check, kind, algs, host, port)
        for check, kind, algs in (
            (WEAK_CIPHERS, "enc", report.enc),
            (WEAK_MACS, "mac", report.mac),
            (WEAK_KEX, "kex", report.kex),
            (WEAK_HOSTKEY, "key", report.key),
        )
    ]
    hits.append(_outdated(report.banner, host, port))
    return [h for h in hits if h is not None]


def _algo_hit(check: Check, kind: str, algs: list[_Alg], host: str, port: int) -> Hit | None:
    warn = _WARN_WEAK.get(kind)
    weak = [a for a in algs if a.notes.fail or (warn and any(map(warn.search, a.notes.warn)))]
    if not weak:
        return None
    names = [_label(a) for a in weak]
    why = "; ".join(f"{_label(a)}: {', '.join(a.notes.fail or a.notes.warn)}" for a in weak)
    return Hit(
        check, host, port, f"{host}:{port} offers {', '.join(names)}.",
        evidence=f"ssh-audit {kind}: {why}", properties={"algorithms": names},
    )  # fmt: skip


def _label(a: _Alg) -> str:
    return f"{a.algorithm} ({a.keysize}-bit)" if a.keysize else a.algorithm


def _outdated(banner: _Banner, host: str, port: int) -> Hit | None:
    m = re.match(r"OpenSSH_(\d+)\.(\d+)", banner.software or "")
    if not m or (int(m[1]), int(m[2])) >= MIN_OPENSSH:
        return None
    distro = bool(_DISTRO.search(banner.comments or ""))
    note = " (a distribution build: fixes may be backported; check its package version)"
    return Hit(
        OUTDATED, host, port,
        f"{host}:{port} runs {m[0]}, older than OpenSSH {MIN_OPENSSH[0]}.{MIN_OPENSSH[1]}"
        + (note if distro else "."),
        evidence=f"banner: {banner.raw}",
        confidence=Confidence.LOW if distro else Confidence.MEDIUM,
        properties={"software": banner.software or "", "distribution_build": distro},
    )  # fmt: skip
