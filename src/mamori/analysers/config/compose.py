"""Docker Compose auditor: host namespaces, privileged containers, socket mounts, secrets, ports.

Services are read from ``services:`` (or, in legacy version-1 files, from the top level).
Fixes are line edits at ruamel.yaml's recorded positions: ``privileged`` is set to ``false``,
``pid``/``ipc: host`` are commented out with a ``# mamori:`` note, and database ports published
on every interface are bound to 127.0.0.1. Secret values are never echoed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from mamori.analysers.config._composeports import DB_PORTS, PortSpec, parse_port
from mamori.analysers.config._secretnames import is_literal_secret, is_secret_name
from mamori.analysers.config._textedit import LineEdits
from mamori.analysers.config._yamlpos import (
    CommentedMap,
    CommentedSeq,
    item_line,
    key_line,
    load_all,
)
from mamori.analysers.config.interface import Check, ConfigAuditor, Violation
from mamori.model import CweId, Severity
from mamori.redact import marker

__all__ = ["ComposeAuditor"]

log = logging.getLogger(__name__)

_CIS = "CIS Docker Benchmark v1.6 §5"
_DANGEROUS_CAPS = frozenset({"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN"})


def _check(id_: str, title: str, sev: Severity, cwe: int, ref: str, why: str,
           fixable: bool = True, lockout: bool = False) -> Check:  # fmt: skip
    return Check(id_, title, sev, CweId(cwe), ref, why, fixable, lockout)


PRIVILEGED = _check(
    "COMPOSE-PRIVILEGED", "Privileged container", Severity.HIGH, 250,
    f"{_CIS}.5 Ensure that privileged containers are not used",
    "A privileged container has every capability and all host devices: root in it is root on "
    "the host.",
)  # fmt: skip
HOST_NETWORK = _check(
    "COMPOSE-HOST-NETWORK", "Host network namespace shared", Severity.HIGH, 668,
    f"{_CIS}.10 Ensure that the host's network namespace is not shared",
    "network_mode: host lets the container bind any host port and reach host-only services. "
    "Replacing it needs explicit port mappings, so it is not fixed automatically.",
    fixable=False,
)  # fmt: skip
HOST_PID = _check(
    "COMPOSE-HOST-PID", "Host PID namespace shared", Severity.HIGH, 668,
    f"{_CIS}.16 Ensure that the host's process namespace is not shared",
    "pid: host lets the container see and signal every host process.",
)  # fmt: skip
HOST_IPC = _check(
    "COMPOSE-HOST-IPC", "Host IPC namespace shared", Severity.MEDIUM, 668,
    f"{_CIS}.17 Ensure that the host's IPC namespace is not shared",
    "ipc: host exposes host shared memory and semaphores to the container.",
)  # fmt: skip
DOCKER_SOCKET = _check(
    "COMPOSE-DOCKER-SOCKET", "Docker socket mounted", Severity.CRITICAL, 250,
    f"{_CIS}.32 Ensure that the Docker socket is not mounted inside any containers",
    "Access to the Docker socket is root on the host: the container can start a privileged "
    "container that mounts /.", fixable=False,
)  # fmt: skip
CAP_ADD = _check(
    "COMPOSE-CAP-ADD", "Dangerous capability added", Severity.HIGH, 250,
    f"{_CIS}.3 Ensure that Linux kernel capabilities are restricted within containers",
    "ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE and NET_ADMIN give near-root power over the host "
    "kernel or network.", fixable=False,
)  # fmt: skip
UNCONFINED = _check(
    "COMPOSE-UNCONFINED", "Seccomp or AppArmor profile disabled", Severity.HIGH, 693,
    f"{_CIS}.21 Ensure the default seccomp profile is not disabled",
    "Unconfined containers can use every system call, which widens the kernel attack surface.",
    fixable=False,
)  # fmt: skip
SECRET_ENV = _check(
    "COMPOSE-SECRET-ENV", "Secret in environment literal", Severity.HIGH, 798,
    "Docker docs, Manage secrets in Compose (services.secrets)",
    "Literal secrets in the compose file end up in version control and `docker inspect`; "
    "use Compose secrets or an env file outside the repository, and rotate the value.",
    fixable=False,
)  # fmt: skip
DB_PORT = _check(
    "COMPOSE-DB-PORT-EXPOSED", "Database port published on all interfaces", Severity.MEDIUM,
    1327, f"{_CIS}.13 Ensure that incoming container traffic is bound to a specific host "
    "interface", "Publishing 5432/3306/6379/27017 without a host IP exposes the database to "
    "every network the host is on (and Docker bypasses host firewalls).", lockout=True,
)  # fmt: skip


def _services(doc: Any) -> CommentedMap:
    if not isinstance(doc, CommentedMap):
        raise ValueError("top level is not a mapping")
    if "services" not in doc:  # version-1 files: services at the top level
        legacy = all(isinstance(v, dict) and ("image" in v or "build" in v) for v in doc.values())
        return doc if doc and legacy else CommentedMap()
    services = doc["services"]
    if services is None:
        return CommentedMap()
    if not isinstance(services, CommentedMap):
        raise ValueError("'services' is not a mapping")
    return services


def _flag(check: Check, svc: CommentedMap, key: str, name: str, msg: str,
          fix: dict[str, str] | None = None) -> Violation:  # fmt: skip
    line = key_line(svc, key)
    return Violation(check, line, msg, f"{key}: {svc[key]}", f"service {name}", fix or {})


def _scalar_checks(name: str, svc: CommentedMap) -> list[Violation]:
    out: list[Violation] = []
    if svc.get("privileged") in (True, "true", "yes"):
        out.append(_flag(PRIVILEGED, svc, "privileged", name, "privileged: true",
                         {"set": "false"}))  # fmt: skip
    if str(svc.get("network_mode", "")).lower() == "host":
        out.append(_flag(HOST_NETWORK, svc, "network_mode", name, "network_mode: host"))
    for key, check in (("pid", HOST_PID), ("ipc", HOST_IPC)):
        if str(svc.get(key, "")).lower() == "host":
            out.append(_flag(check, svc, key, name, f"{key}: host", {"comment": "out"}))
    return out


def _items(svc: CommentedMap, key: str) -> list[tuple[int, Any]]:
    seq = svc.get(key)
    if not isinstance(seq, CommentedSeq):
        return []
    return [(item_line(seq, i)[0], item) for i, item in enumerate(seq)]


def _list_checks(name: str, svc: CommentedMap) -> list[Violation]:
    ctx, out = f"service {name}", []
    for line, vol in _items(svc, "volumes"):
        source = vol.get("source", "") if isinstance(vol, dict) else str(vol).split(":", 1)[0]
        if str(source).rstrip("/").endswith("docker.sock"):
            out.append(Violation(DOCKER_SOCKET, line, "the Docker socket is mounted", str(source),
                                 ctx))  # fmt: skip
    for line, cap in _items(svc, "cap_add"):
        if str(cap).upper().removeprefix("CAP_") in _DANGEROUS_CAPS:
            out.append(Violation(CAP_ADD, line, f"cap_add {cap}", f"cap_add: {cap}", ctx))
    for line, opt in _items(svc, "security_opt"):
        if re.fullmatch(r"(seccomp|apparmor)[:=]unconfined", str(opt).strip(), re.IGNORECASE):
            out.append(Violation(UNCONFINED, line, f"security_opt {opt}", str(opt), ctx))
    return out


def _env_checks(name: str, svc: CommentedMap) -> list[Violation]:
    env = svc.get("environment")
    pairs: list[tuple[int, str, str]] = []
    if isinstance(env, CommentedMap):
        pairs = [(key_line(env, k), str(k), "" if v is None else str(v)) for k, v in env.items()]
    elif isinstance(env, list):
        for line, item in _items(svc, "environment"):
            k, _, v = str(item).partition("=")
            pairs.append((line, k, v))
    return [
        Violation(SECRET_ENV, line, f"environment {k} holds a literal secret",
                  f"{k}={marker('secret')}", f"service {name}")
        for line, k, v in pairs if is_secret_name(k) and v and is_literal_secret(v)
    ]  # fmt: skip


def _port_checks(name: str, svc: CommentedMap) -> list[Violation]:
    out: list[Violation] = []
    for index, (line, item) in enumerate(_items(svc, "ports")):
        spec = parse_port(item)
        if spec is None or not spec.exposed or not (spec.container_ports & DB_PORTS):
            continue
        fix = {"port_index": str(index)}
        msg = f"database port {sorted(spec.container_ports & DB_PORTS)[0]} on all interfaces"
        out.append(Violation(DB_PORT, line, msg, str(item), f"service {name}", fix))
    return out


class ComposeAuditor(ConfigAuditor):
    """Audits Docker Compose files: privileges, host namespaces, sockets, secrets, DB ports."""

    id: ClassVar[str] = "compose"
    file_names = frozenset(
        {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}
    )
    file_globs = ("docker-compose.*.yml", "docker-compose.*.yaml", "compose.*.yml")
    checks = (PRIVILEGED, HOST_NETWORK, HOST_PID, HOST_IPC, DOCKER_SOCKET, CAP_ADD, UNCONFINED,
              SECRET_ENV, DB_PORT)  # fmt: skip
    cwes = frozenset(c.cwe for c in checks)
    validator = None

    def audit_text(self, text: str, path: str) -> list[Violation]:
        out: list[Violation] = []
        for doc in load_all(text):
            for name, svc in _services(doc).items():
                if not isinstance(svc, CommentedMap):
                    raise ValueError(f"service {name!r} is not a mapping")
                for rule in (_scalar_checks, _list_checks, _env_checks, _port_checks):
                    out += rule(str(name), svc)
        log.debug("%s: %d violations", path, len(out))
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        edits = LineEdits(text)
        docs = load_all(text)
        for v in violations:
            if not v.check.fixable or not 1 <= v.line <= len(edits.lines):
                continue
            current = edits.current(v.line)
            if v.fix.get("set") == "false":
                edits.replace(v.line, re.sub(r":(\s*)\S+", r":\1false", current, count=1))
            elif v.fix.get("comment") == "out":
                indent = current[: len(current) - len(current.lstrip())]
                edits.replace(v.line, f"{indent}# mamori: {v.check.id}: {current.strip()}")
            elif "port_index" in v.fix:
                _fix_port(edits, docs, v)
        return edits.apply()


def _fix_port(edits: LineEdits, docs: list[Any], v: Violation) -> None:
    name = v.context.removeprefix("service ")
    for doc in docs:
        svc = _services(doc).get(name)
        ports = svc.get("ports") if isinstance(svc, CommentedMap) else None
        if not isinstance(ports, CommentedSeq):
            continue
        index = int(v.fix["port_index"])
        line, col = item_line(ports, index)
        if line != v.line:
            continue
        spec = parse_port(ports[index])
        if spec is not None:
            _rewrite_port(edits, line, col, spec, ports[index])
        return


def _rewrite_port(edits: LineEdits, line: int, col: int, spec: PortSpec, item: Any) -> None:
    current = edits.current(line)
    if isinstance(item, CommentedMap):
        target = item.lc.key("target") if "target" in item else None
        if target is not None and "host_ip" not in item:
            edits.insert_after(int(target[0]) + 1, " " * int(target[1]) + "host_ip: 127.0.0.1")
        elif "host_ip" in item:
            hl, hc = item.lc.value("host_ip")
            old = edits.current(int(hl) + 1)
            edits.replace(int(hl) + 1, old[:hc] + re.sub(r"^\S+", "127.0.0.1", old[hc:]))
        return
    raw = str(item)
    fixed = spec.bound_to_loopback()
    head, tail = current[:col], current[col:]
    edits.replace(line, head + tail.replace(raw, fixed, 1))
