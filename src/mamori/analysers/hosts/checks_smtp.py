"""SMTP: whether the server offers STARTTLS, and the TLS it upgrades to.

Each connection says ``EHLO`` and at most ``STARTTLS``, then ``QUIT`` — never MAIL, RCPT or
AUTH. A server whose EHLO reply lacks ``STARTTLS`` (RFC 3207) is reported, as mail and any
login then cross the network in clear text; one that offers it gets every check of
:mod:`.checks_tls` through the upgrade.
"""

from __future__ import annotations

import logging

from mamori.analysers.hosts import _smtp, _wire, checks_tls
from mamori.analysers.hosts._checks import Check, Hit
from mamori.model import CweId, Severity

log = logging.getLogger(__name__)

__all__ = ["CHECKS", "NO_STARTTLS", "check_smtp"]

NO_STARTTLS = Check("HOST-SMTP-NO-STARTTLS", "SMTP server does not offer STARTTLS",
                    Severity.MEDIUM, CweId(319), "RFC 3207; RFC 8314")  # fmt: skip
CHECKS = (NO_STARTTLS,)


async def check_smtp(
    host: str, port: int, timeout: float = 5.0, server_name: str = ""
) -> list[Hit]:
    """A hit when SMTP on ``host:port`` offers no STARTTLS, else the TLS checks through it."""
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout) as (reader, writer):
        keywords = await _smtp.ehlo(reader, writer, timeout, t)
        writer.write(b"QUIT\r\n")
    if "STARTTLS" in keywords:
        log.info("probe smtp-starttls tls on %s:%d", host, port)
        return await checks_tls.check_tls(host, port, timeout, server_name, _smtp.starttls)
    message = (f"SMTP on {host}:{port} does not offer STARTTLS: mail, and any password sent "
               "with AUTH, cross the network in clear text.")  # fmt: skip
    return [Hit(NO_STARTTLS, host, port, message, t.text(), properties={"extensions": keywords})]
