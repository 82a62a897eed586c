"""Stand-ins that let a real validator load a config copied away from its host.

A config refers to files that exist on the server it came from (host keys, certificates, log
folders, the service user) but not necessarily on the machine running Mamori. For validation
only, the sandboxed copy gets throwaway stand-ins: a fresh host key, a self-signed certificate,
log and pid paths inside the sandbox. The live file and the patch itself are never changed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pwd
import re
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

log = logging.getLogger(__name__)


def ssh_host_key(folder: Path) -> Path:
    """A throwaway Ed25519 host key for ``sshd -t`` (and the privsep dir sshd insists on)."""
    key = folder / "stand-ins" / "ssh_host_ed25519_key"
    key.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],  # noqa: S603,S607
                   check=True, capture_output=True)  # fmt: skip
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    return key


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate and key (PEM) for TLS directives."""
    out = folder / "stand-ins"
    out.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mamori-sandbox")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))  # fmt: skip
    cert_path, key_path = out / "cert.pem", out / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


_NGINX_DIRECTIVE = re.compile(r"^(\s*)(\w+)(\s+)([^;#]+?)(\s*;)", re.MULTILINE)


def nginx_stand_ins(text: str, folder: Path) -> str:
    """Rewrite host-specific paths in a sandboxed nginx config to stand-ins in ``folder``."""
    cert, key = self_signed(folder)
    logs = folder / "stand-ins" / "logs"
    logs.mkdir(parents=True, exist_ok=True)

    def swap(m: re.Match[str]) -> str:
        name, value = m.group(2), m.group(4).strip()
        first = value.split()[0]
        new = _nginx_value(name, first, cert, key, logs, folder)
        if new is None:
            return m.group(0)
        return f"{m.group(1)}{name}{m.group(3)}{value.replace(first, new, 1)}{m.group(5)}"

    return _NGINX_DIRECTIVE.sub(swap, text)


def _nginx_value(name: str, value: str, cert: Path, key: Path, logs: Path, folder: Path
                 ) -> str | None:  # fmt: skip
    missing = not (Path(value) if value.startswith("/") else folder / value).exists()
    if name == "pid":
        return str(folder / "stand-ins" / "nginx.pid")
    if name in ("error_log", "access_log") and value not in ("off", "stderr"):
        return str(logs / Path(value).name)
    if name == "user" and not _user_exists(value):
        return "nobody"
    if name in ("ssl_certificate", "ssl_trusted_certificate", "ssl_client_certificate") and missing:
        return str(cert)
    if name == "ssl_certificate_key" and missing:
        return str(key)
    if name == "include" and missing and not any(c in value for c in "*?["):
        stand_in = folder / "stand-ins" / Path(value).name
        stand_in.touch()
        return str(stand_in)
    return None


def nginx_main(file: Path, folder: Path) -> Path:
    """The config ``nginx -t`` should load: the file itself when it is a main config (it has an
    ``events`` block), else a wrapper that includes the fragment inside ``http``. Relative
    includes that do not exist beside the copy get empty stand-ins."""
    text = file.read_text(encoding="utf-8")
    for rel in re.findall(r"(?m)^\s*include\s+([^\s;*?\[]+)\s*;", text):
        if not rel.startswith("/") and not (file.parent / rel).exists():
            (file.parent / rel).parent.mkdir(parents=True, exist_ok=True)
            (file.parent / rel).touch()
    if re.search(r"(?m)^\s*events\s*\{", text):
        return file
    main = folder / "mamori-nginx-main.conf"
    logs = folder / "stand-ins" / "logs"
    pid = folder / "stand-ins" / "nginx.pid"
    main.write_text(
        f"pid {pid};\nerror_log {logs / 'e.log'};\nevents {{}}\nhttp {{\n    include {file};\n}}\n",
        encoding="utf-8",
    )
    return main


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def postgres_binaries() -> Path:
    """The folder holding ``postgres`` and ``initdb`` (Debian keeps them off PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)  # fmt: skip
    if candidates:
        return candidates[-1].parent
    import shutil

    found = shutil.which("postgres")
    if found is None:
        raise FileNotFoundError("postgres is not installed (apt-get install postgresql)")
    return Path(found).resolve().parent


def postgres_datadir(folder: Path) -> dict[str, str]:
    """A throwaway cluster (initdb, owned by the ``postgres`` user) plus a TLS stand-in, so the
    real server can load a sandboxed postgresql.conf / pg_hba.conf."""
    bins = postgres_binaries()
    data = folder / "pgdata"
    pw = pwd.getpwnam("postgres")
    for d in (folder, *folder.rglob("*")):
        os.chown(d, pw.pw_uid, pw.pw_gid)
    folder.chmod(0o755)
    initdb = [str(bins / "initdb"), "-D", str(data), "-A", "trust", "--no-sync", "-U", "mamori"]
    subprocess.run(["runuser", "-u", "postgres", "--", *initdb], check=True, capture_output=True)  # noqa: S603,S607
    cert, key = self_signed(folder)
    for src, name in ((cert, "server.crt"), (key, "server.key")):
        dest = data / name
        dest.write_bytes(src.read_bytes())
        os.chown(dest, pw.pw_uid, pw.pw_gid)
        dest.chmod(0o600)
    return {"postgres": str(bins / "postgres"), "datadir": str(data)}


_APACHE_MODULES = (
    "mpm_event", "authz_core", "authz_host", "authz_user", "authn_core", "authn_file",
    "auth_basic", "access_compat", "alias", "dir", "autoindex", "mime", "env", "setenvif",
    "headers", "rewrite", "ssl", "socache_shmcb", "proxy", "proxy_http", "status", "deflate",
    "filter", "expires", "negotiation", "reqtimeout",
)  # fmt: skip
_APACHE_DIRECTIVE = re.compile(r"^(\s*)(\w+)(\s+)(\"?)([^\s\"#]+)(\"?)", re.MULTILINE)
_APACHE_PATHS = {"sslcertificatefile": "cert", "sslcertificatechainfile": "cert",
                 "sslcacertificatefile": "cert", "sslcertificatekeyfile": "key"}  # fmt: skip
_APACHE_LOGS = frozenset({"errorlog", "customlog", "transferlog", "pidfile"})
_APACHE_ROOTS = frozenset({"serverroot"})


def apache_stand_ins(file: Path, folder: Path) -> Path:
    """Rewrite host-specific paths in a sandboxed Apache config and return the main config to
    validate: the file itself when it is a main config, else a wrapper that loads the common
    modules (those installed here) and includes it."""
    cert, key = self_signed(folder)
    logs = folder / "stand-ins" / "logs"
    logs.mkdir(parents=True, exist_ok=True)

    def swap(m: re.Match[str]) -> str:
        name, value = m.group(2).lower(), m.group(5)
        if name in _APACHE_PATHS and value.startswith("/") and not Path(value).exists():
            value = str(cert if _APACHE_PATHS[name] == "cert" else key)
        elif name in _APACHE_LOGS and not value.startswith("|"):
            value = str(logs / (Path(value).name or "log"))
        elif name in _APACHE_ROOTS:
            value = str(file.parent)  # relative includes resolve inside the mirrored folder
        else:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(4)}{value}{m.group(6)}"

    text = _APACHE_DIRECTIVE.sub(swap, file.read_text(encoding="utf-8"))
    file.write_text(text, encoding="utf-8")
    (file.parent / "logs").mkdir(exist_ok=True)  # httpd's default logs/ under ServerRoot
    if re.search(r"(?im)^\s*(LoadModule|ServerRoot)\s", text):
        return file
    modules = _apache_module_dir()
    lines = [
        f"ServerName mamori.sandbox\nPidFile {logs / 'apache.pid'}\nErrorLog {logs / 'e.log'}\n"
    ]
    lines += [f"LoadModule {m}_module {modules / f'mod_{m}.so'}\n" for m in _APACHE_MODULES
              if (modules / f"mod_{m}.so").exists()]  # fmt: skip
    lines.append(f"Include {file}\n")
    main = folder / "mamori-apache-main.conf"
    main.write_text("".join(lines), encoding="utf-8")
    return main


def _apache_module_dir() -> Path:
    for candidate in ("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules",
                      "/usr/lib/httpd/modules"):  # fmt: skip
        if Path(candidate).is_dir():
            return Path(candidate)
    return Path("/usr/lib/apache2/modules")
