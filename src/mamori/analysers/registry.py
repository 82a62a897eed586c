"""The explicit analyser registry: one line per analyser, nothing registered by side effect."""

from __future__ import annotations

from mamori.analysers.interface import Analyser
from mamori.errors import ConfigError

# Import paths, not classes, so that the CLI does not import every engine's dependencies
# just to print --help; the worker imports only what it runs.
_REGISTRY: dict[str, str] = {
    "bandit": "mamori.analysers.code.bandit:BanditAnalyser",
    "semgrep": "mamori.analysers.code.semgrep:SemgrepAnalyser",
    "secrets": "mamori.analysers.secrets.detect_secrets:SecretsAnalyser",
    "deps": "mamori.analysers.deps.analyser:DependencyAnalyser",
    "taint": "mamori.analysers.taint.analyser:TaintAnalyser",
    "hosts": "mamori.analysers.hosts.analyser:HostAnalyser",
    "logs": "mamori.analysers.logs.analyser:LogAnalyser",
    "sshd": "mamori.analysers.config.sshd:SshdAuditor",
    "nginx": "mamori.analysers.config.nginx:NginxAuditor",
    "apache": "mamori.analysers.config.apache:ApacheAuditor",
    "sudoers": "mamori.analysers.config.sudoers:SudoersAuditor",
    "sysctl": "mamori.analysers.config.sysctl:SysctlAuditor",
    "postgresql": "mamori.analysers.config.postgres:PostgresConfAuditor",
    "pg_hba": "mamori.analysers.config.postgres:PgHbaAuditor",
    "redis": "mamori.analysers.config.redis:RedisAuditor",
    "dockerfile": "mamori.analysers.config.dockerfile:DockerfileAuditor",
    "compose": "mamori.analysers.config.compose:ComposeAuditor",
    "kubernetes": "mamori.analysers.config.kubernetes:KubernetesAuditor",
    "dotenv": "mamori.analysers.config.dotenv:DotenvAuditor",
}

CODE_ANALYSERS: tuple[str, ...] = ("taint", "bandit", "semgrep", "secrets", "deps")
"""Code and dependency analysers."""

CONFIG_ANALYSERS: tuple[str, ...] = (
    "sshd",
    "nginx",
    "sudoers",
    "sysctl",
    "postgresql",
    "pg_hba",
    "redis",
    "dockerfile",
    "compose",
    "kubernetes",
    "dotenv",
)
"""Configuration auditors."""

LOG_ANALYSERS: tuple[str, ...] = ("logs",)
"""Log detection (Sigma rules, correlation, incidents)."""

DEFAULT_ANALYSERS: tuple[str, ...] = CODE_ANALYSERS + CONFIG_ANALYSERS + LOG_ANALYSERS
"""Analysers `mamori scan PATH` runs by default."""


def names() -> tuple[str, ...]:
    """Every registered analyser id, sorted."""
    return tuple(sorted(_REGISTRY))


def resolve(analyser_id: str) -> str:
    """The ``"module:Class"`` import path registered under ``analyser_id``."""
    try:
        return _REGISTRY[analyser_id]
    except KeyError:
        raise ConfigError(
            f"unknown analyser {analyser_id!r}", hint=f"choose from: {', '.join(names())}"
        ) from None


def load(analyser_id: str) -> type[Analyser]:
    """Import and return the analyser class registered under ``analyser_id``."""
    return load_path(resolve(analyser_id))


def load_path(import_path: str) -> type[Analyser]:
    """Import and return the analyser class at ``"module:Class"`` (used inside workers)."""
    import importlib

    module_name, _, attr = import_path.partition(":")
    cls = getattr(importlib.import_module(module_name), attr, None)
    if not (isinstance(cls, type) and issubclass(cls, Analyser)):
        raise ConfigError(f"registry entry {import_path!r} is not an Analyser subclass")
    return cls


def register(analyser_id: str, import_path: str) -> None:
    """Add an analyser (``"pkg.module:Class"``); used by tests and extensions."""
    if analyser_id in _REGISTRY and _REGISTRY[analyser_id] != import_path:
        raise ConfigError(f"analyser id {analyser_id!r} is already registered")
    _REGISTRY[analyser_id] = import_path


def unregister(analyser_id: str) -> None:
    """Remove an analyser registered with :func:`register`."""
    _REGISTRY.pop(analyser_id, None)
