"""Real servers on loopback for the host-scan tests (sshd, nginx, redis, PostgreSQL, memcached,
vsftpd, aiosmtpd, MariaDB, slapd, listeners).

Each server listens on its own 127.0.0.x address and a free port, is started from a labelled
example config under ``examples/``, and is stopped (and its files removed) on exit. A missing
binary fails the test with the Debian package to install — nothing is skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from mamori.analysers.hosts.analyser import HostAnalyser, discover_targets
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Finding, Skipped
from mamori.scope import Scope

EXAMPLES = Path(__file__).parent / "examples"


def expected_ids(path: Path) -> set[str]:
    """The check ids an example's ``# expect:`` manifest line names (``none`` → empty)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip("#; ").startswith("expect:"):
            ids = {i.strip() for i in line.split("expect:", 1)[1].split(",") if i.strip()}
            return set() if ids == {"none"} else ids
    raise AssertionError(f"{path} has no '# expect:' manifest line")


def binary(name: str, package: str) -> str:
    """Path of a server binary, or fail naming the Debian package that provides it."""
    found = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None
    )
    if not found:
        pytest.fail(f"{name} is not installed: apt-get install {package}", pytrace=False)
    return found


def free_port(addr: str) -> int:
    """A TCP port that is free on ``addr`` right now."""
    with socket.socket() as s:
        s.bind((addr, 0))
        port: int = s.getsockname()[1]
        return port


def wait_port(addr: str, port: int, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Wait until ``addr:port`` accepts connections; fail with the server's output if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"server exited ({proc.returncode}) before listening:\n{out}")
        with contextlib.suppress(OSError), socket.create_connection((addr, port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail(f"server did not listen on {addr}:{port} within {timeout}s")


def _free_or(addr: str, port: int, fallback: int) -> int:
    """``port`` if nothing listens on ``addr:port`` now, else ``fallback``."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is ok
        try:
            s.bind((addr, port))
        except OSError:
            return fallback
    return port


@contextlib.contextmanager
def running(
    cmd: list[str], addr: str, port: int, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` (with ``env`` if given) until the block ends, once ``addr:port`` listens."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        wait_port(addr, port, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


@contextlib.contextmanager
def sshd(example: Path, addr: str, tmp: Path) -> Iterator[int]:
    """sshd with ``example`` as its config on ``addr``; yields the port."""
    exe = binary("sshd", "openssh-server")
    key_type = "rsa" if "ssh-rsa" in example.read_text() else "ed25519"
    key = tmp / f"host_{key_type}"
    bits = ["-b", "1024"] if key_type == "rsa" else []
    subprocess.run(["ssh-keygen", "-q", "-t", key_type, *bits, "-N", "", "-f", str(key)],
                   check=True)  # fmt: skip
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege-separation directory sshd insists on
    port = free_port(addr)
    cmd = [exe, "-D", "-e", "-f", str(example), "-p", str(port), "-o", f"ListenAddress={addr}",
           "-o", f"HostKey={key}", "-o", f"PidFile={tmp / 'sshd.pid'}"]  # fmt: skip
    with running(cmd, addr, port):
        yield port


def make_cert(tmp: Path, addr: str, *, weak: bool) -> tuple[Path, Path]:
    """(cert, key) files: weak = self-signed, 1024-bit, SHA-1, expired, wrong IP; else a
    2048-bit SHA-256 leaf for ``addr`` signed by a throw-away CA."""
    now = dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024 if weak else 2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"mamori-test-{addr}")])
    if weak:
        issuer, signer, digest = subject, key, hashes.SHA256()  # re-signed with SHA-1 below
        start, end, ip = now - dt.timedelta(days=400), now - dt.timedelta(days=30), "10.9.9.9"
    else:
        signer = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mamori test CA")])
        digest, start, end, ip = (
            hashes.SHA256(),
            now - dt.timedelta(days=1),
            now + dt.timedelta(days=90),
            addr,
        )
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]),
                       critical=False)
        .sign(signer, digest)
    )  # fmt: skip
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    if weak:  # cryptography refuses SHA-1 signatures; the openssl CLI still makes them
        subprocess.run(["openssl", "x509", "-in", str(cert_path), "-signkey", str(key_path),
                        "-sha1", "-preserve_dates", "-out", str(cert_path)],
                       check=True, capture_output=True)  # fmt: skip
    return cert_path, key_path


@contextlib.contextmanager
def nginx(example: Path, addr: str, tmp: Path) -> Iterator[int]:
    """nginx running ``example`` (a template with @ADDR@, @PORT@, @CERT@, @KEY@, @ROOT@)."""
    exe = binary("nginx", "nginx")
    weak = "vulnerable" in example.parts
    cert, key = make_cert(tmp, addr, weak=weak)
    # nginx workers run as an unprivileged user: pytest's root-only tmp folder is unreadable
    root = Path(tempfile.mkdtemp(prefix="mamori-test-www-"))
    root.chmod(0o755)
    (root / "files").mkdir(mode=0o755)
    (root / "files" / "report.txt").write_text("quarterly numbers\n")
    (root / "index.html").write_text("<html><title>Kawasemi intranet</title></html>\n")
    (root / "default.html").write_text("<html><title>Welcome to nginx!</title></html>\n")
    port = free_port(addr)
    conf = example.read_text()
    for k, v in {"@ADDR@": addr, "@PORT@": str(port), "@CERT@": str(cert), "@KEY@": str(key),
                 "@ROOT@": str(root), "@TMP@": str(tmp)}.items():  # fmt: skip
        conf = conf.replace(k, v)
    conf_path = tmp / "nginx.conf"
    conf_path.write_text(conf)
    cmd = [exe, "-p", f"{tmp}/", "-c", str(conf_path), "-e", "stderr", "-g", "daemon off;"]
    try:
        with running(cmd, addr, port):
            yield port
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def redis(example: Path, addr: str, tmp: Path, *, password: str = "") -> Iterator[int]:
    """redis-server with ``example`` as its config file on ``addr``."""
    exe = binary("redis-server", "redis-server")
    port = free_port(addr)
    cmd = [exe, str(example), "--port", str(port), "--bind", addr, "--dir", str(tmp)]
    if password:
        cmd += ["--requirepass", password]
    with running(cmd, addr, port):
        yield port


def _options(example: Path) -> list[str]:
    """Command-line options from a Debian-style options file (``/etc/memcached.conf``)."""
    lines = example.read_text(encoding="utf-8").splitlines()
    return [w for line in lines if not line.lstrip().startswith("#") for w in line.split()]


@contextlib.contextmanager
def memcached(example: Path, addr: str, *, password: str = "") -> Iterator[int]:
    """memcached with the options in ``example`` on ``addr``. With ``-S``, a SASL config and a
    sasldb with user ``mamori`` / ``password`` go in a folder the server (user nobody) reads."""
    exe, opts = binary("memcached", "memcached"), _options(example)
    port = free_port(addr)
    if "-p" in opts:  # the example's port when it is free on addr (it exercises port hints)
        at = opts.index("-p")
        port = _free_or(addr, int(opts[at + 1]), port)
        del opts[at : at + 2]
    folder = Path(tempfile.mkdtemp(prefix="mamori-test-memcached-"))
    env = dict(os.environ)
    try:
        if "-S" in opts:
            folder.chmod(0o755)
            db = folder / "sasldb2"
            (folder / "memcached.conf").write_text(f"mech_list: plain\nsasldb_path: {db}\n")
            subprocess.run([binary("saslpasswd2", "sasl2-bin"), "-p", "-c", "-a", "memcached",
                            "-f", str(db), "mamori"], input=password.encode(), check=True,
                           capture_output=True)  # fmt: skip
            db.chmod(0o644)
            env["SASL_CONF_PATH"] = str(folder)
        cmd = [exe, *opts, "-l", addr, "-p", str(port), "-U", "0", "-u", "nobody"]
        with running(cmd, addr, port, env):
            yield port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def vsftpd(example: Path, addr: str) -> Iterator[int]:
    """vsftpd in the foreground running ``example`` (a template with @ADDR@, @PORT@, @ROOT@ for
    the anonymous root and @EMPTY@ for secure_chroot_dir); run as root, as the daemon is."""
    exe = binary("vsftpd", "vsftpd")
    folder = Path(tempfile.mkdtemp(prefix="mamori-test-ftp-"))
    try:
        folder.chmod(0o755)
        root, empty = folder / "pub", folder / "empty"
        root.mkdir(mode=0o755)
        empty.mkdir(mode=0o755)
        (root / "price-list.txt").write_text("internal prices\n")
        port = free_port(addr)
        conf = example.read_text()
        for k, v in {"@ADDR@": addr, "@PORT@": str(port), "@ROOT@": str(root),
                     "@EMPTY@": str(empty)}.items():  # fmt: skip
            conf = conf.replace(k, v)
        conf_path = folder / "vsftpd.conf"
        conf_path.write_text(conf)
        with running([exe, str(conf_path)], addr, port):
            yield port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def smtpd(example: Path, addr: str, tmp: Path) -> Iterator[int]:
    """aiosmtpd (``smtp_server.py``) configured by ``example``; a weak certificate when the
    example is under ``vulnerable/``, else a CA-signed one naming ``addr``."""
    cert, key = make_cert(tmp, addr, weak="vulnerable" in example.parts)
    port = free_port(addr)
    server = Path(__file__).with_name("smtp_server.py")
    cmd = [sys.executable, str(server), str(example), addr, str(port), str(cert), str(key)]
    with running(cmd, addr, port):
        yield port


@contextlib.contextmanager
def mariadb(addr: str) -> Iterator[int]:
    """A throw-away MariaDB (``--no-defaults``, a fresh datadir) on ``addr``."""
    exe = binary("mariadbd", "mariadb-server")
    install = binary("mariadb-install-db", "mariadb-server")
    folder = Path(tempfile.mkdtemp(prefix="mamori-test-mariadb-"))
    user = ["--user=mysql"] if os.geteuid() == 0 else []
    try:
        if user:
            mysql = pwd.getpwnam("mysql")
            os.chown(folder, mysql.pw_uid, mysql.pw_gid)
        subprocess.run([install, "--no-defaults", f"--datadir={folder / 'data'}", *user,
                        "--skip-test-db", "--auth-root-authentication-method=socket"],
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        port = free_port(addr)
        cmd = [exe, "--no-defaults", f"--datadir={folder / 'data'}", f"--socket={folder / 'sock'}",
               f"--pid-file={folder / 'pid'}", f"--bind-address={addr}", f"--port={port}",
               "--skip-log-bin", "--innodb-buffer-pool-size=16M", *user]  # fmt: skip
        with running(cmd, addr, port):
            yield port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def slapd(addr: str, tmp: Path) -> Iterator[int]:
    """OpenLDAP's slapd in the foreground on ``addr`` with a minimal config (no databases)."""
    exe = binary("slapd", "slapd")
    conf = tmp / "slapd.conf"
    conf.write_text(f"include /etc/ldap/schema/core.schema\npidfile {tmp / 'slapd.pid'}\n"
                    f"argsfile {tmp / 'slapd.args'}\n")  # fmt: skip
    port = free_port(addr)
    with running([exe, "-d", "0", "-f", str(conf), "-h", f"ldap://{addr}:{port}/"], addr, port):
        yield port


def _pg_bin(name: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    found = shutil.which(name) or next(iter(versions), None)
    if not found:
        pytest.fail(f"{name} not found: apt-get install postgresql", pytrace=False)
    return str(found)


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def postgres(example: Path, addr: str) -> Iterator[int]:
    """A PostgreSQL cluster whose pg_hba.conf is ``example``."""
    folder = Path(tempfile.mkdtemp(prefix="mamori-test-pg-"))
    try:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(folder, user.pw_uid, user.pw_gid)
        data = folder / "data"
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres",
                                     "--no-sync"]),
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        shutil.copyfile(example, data / "pg_hba.conf")
        port = free_port(addr)
        cmd = _as_postgres([_pg_bin("postgres"), "-D", str(data), "-h", addr, "-p", str(port),
                            "-k", str(folder), "-c", "fsync=off"])  # fmt: skip
        with running(cmd, addr, port):
            yield port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class CountingListener:
    """A TCP listener that counts accepted connections (to prove nothing was sent)."""

    def __init__(self, addr: str) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, 0))
        self.sock.listen(128)
        self.sock.settimeout(0.1)
        self.addr, self.port = addr, self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> int:
        """Stop listening; return how many connections were accepted."""
        time.sleep(0.2)  # let queued connections be accepted and counted
        self._stop.set()
        self._thread.join()
        self.sock.setblocking(False)
        with contextlib.suppress(OSError):
            while True:  # connections still queued in the backlog count too
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
        self.sock.close()
        return self.accepted


def scan_host(addr: str, port: int) -> tuple[list[Finding], list[Skipped]]:
    """Run the host analyser on one in-scope address and port; its findings and skips."""
    scope = Scope(allow_paths=(), cidrs=(ipaddress.ip_network(f"{addr}/32"),),
                  ports=frozenset({port}))  # fmt: skip
    targets = discover_targets(scope)
    assert [t.locator for t in targets] == [f"{addr}:{port}"]
    results = list(HostAnalyser(AnalyserSettings(options={"host_timeout": 3.0})).analyse(targets))
    return ([r for r in results if isinstance(r, Finding)],
            [r for r in results if isinstance(r, Skipped)])  # fmt: skip
