"""Real servers on loopback for the host-scan tests (sshd, nginx, redis, PostgreSQL, listeners).

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


@contextlib.contextmanager
def running(cmd: list[str], addr: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` until the block ends, once ``addr:port`` listens."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
