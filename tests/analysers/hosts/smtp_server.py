"""A real SMTP server (aiosmtpd) for the host-scan tests, configured by a labelled example.

Usage: ``python smtp_server.py EXAMPLE ADDR PORT CERT KEY``. EXAMPLE holds ``key = value``
lines: ``starttls`` (yes/no), ``min_version`` (``TLSv1``…``TLSv1.3``) and ``ciphers`` (an
OpenSSL cipher string). Mail is accepted and discarded. Runs until killed.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
import warnings
from pathlib import Path

from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP


def settings(example: Path) -> dict[str, str]:
    """The ``key = value`` lines of ``example`` (comments skipped)."""
    pairs = (line.split("=", 1) for line in example.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.lstrip().startswith("#")}


def tls_context(conf: dict[str, str], cert: str, key: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers(conf["ciphers"])  # before the key: a weak key needs @SECLEVEL=0 first
    with warnings.catch_warnings():  # a legacy minimum is what the weak example is about
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion[conf["min_version"].replace(".", "_")]
    ctx.load_cert_chain(cert, key)
    return ctx


async def serve(example: Path, addr: str, port: int, cert: str, key: str) -> None:
    conf = settings(example)
    tls = tls_context(conf, cert, key) if conf["starttls"] == "yes" else None
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Sink(), hostname="mail.test", tls_context=tls, require_starttls=bool(tls)),
        addr,
        port,
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    path, host, number, cert_file, key_file = sys.argv[1:6]
    asyncio.run(serve(Path(path), host, int(number), cert_file, key_file))
