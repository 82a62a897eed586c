"""Kubernetes auditor: pod security settings in workload manifests (Pod Security Standards).

Every pod spec of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs
is checked, in multi-document files and ``List`` objects. Pod-level ``securityContext`` values
(``runAsNonRoot``, ``runAsUser``) apply to containers that do not override them. Fixes are line
edits: values are changed in place, missing container fields are added to the container's
``securityContext`` (created after the container's ``name`` line when absent).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, ClassVar

from mamori.analysers.config._k8s import Container, PodSpec, looks_like_manifest, pod_specs
from mamori.analysers.config._k8sfix import apply_k8s_fixes
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Severity, Target, TargetKind

__all__ = ["KubernetesAuditor"]

log = logging.getLogger(__name__)

_PSS = "Kubernetes Pod Security Standards (restricted)"
_CIS = "CIS Kubernetes Benchmark v1.8 §5.2"
_BAD_CAPS = frozenset({"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_RAW"})
_PEEK = 65536


def _check(id_: str, title: str, sev: Severity, cwe: int, ref: str, why: str,
           fixable: bool = True, lockout: bool = False) -> Check:  # fmt: skip
    return Check(id_, title, sev, CweId(cwe), ref, why, fixable, lockout)


PRIVILEGED = _check("K8S-PRIVILEGED", "Privileged container", Severity.HIGH, 250,
    f"{_CIS}.2; {_PSS}", "A privileged container has full access to the node.")  # fmt: skip
PRIV_ESCALATION = _check("K8S-PRIV-ESCALATION", "Privilege escalation allowed", Severity.MEDIUM,
    269, f"{_CIS}.5; {_PSS}", "Unless allowPrivilegeEscalation is false, setuid binaries can "
    "gain more privileges than the container started with.")  # fmt: skip
RUN_AS_NON_ROOT = _check("K8S-RUN-AS-NON-ROOT", "Container may run as root", Severity.MEDIUM,
    250, f"{_CIS}.6; {_PSS}", "runAsNonRoot: true makes the kubelet refuse to start a container "
    "whose image runs as root. Images that do run as root will stop starting, so review first.",
    lockout=True)  # fmt: skip
RUN_AS_ROOT = _check("K8S-RUN-AS-ROOT", "Container runs as UID 0", Severity.HIGH, 250,
    f"{_CIS}.6; {_PSS}", "runAsUser: 0 runs the process as root; choose a non-zero UID the "
    "image supports.", fixable=False)  # fmt: skip
HOST_NAMESPACE = _check("K8S-HOST-NAMESPACE", "Host namespace shared", Severity.HIGH, 668,
    f"{_CIS}.3-5.2.4; {_PSS}", "hostNetwork, hostPID and hostIPC break the isolation between the "
    "pod and the node.")  # fmt: skip
HOST_PATH = _check("K8S-HOSTPATH", "hostPath volume", Severity.HIGH, 668, f"{_CIS}.12; {_PSS}",
    "hostPath mounts expose the node's file system; a writable one is a node takeover.",
    fixable=False)  # fmt: skip
CAPS_ADD = _check("K8S-CAPS-ADD", "Dangerous capability added", Severity.HIGH, 250,
    f"{_CIS}.8-5.2.9; {_PSS}", "ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE and NET_RAW give "
    "a container power over the node kernel or network.", fixable=False)  # fmt: skip
CAPS_NOT_DROPPED = _check("K8S-CAPS-NOT-DROPPED", "Capabilities not dropped", Severity.LOW, 250,
    f"{_CIS}.9; {_PSS}", "Dropping ALL capabilities (then adding back only what is needed) "
    "removes the default set containers do not need.")  # fmt: skip
NO_LIMITS = _check("K8S-NO-LIMITS", "No resource limits", Severity.LOW, 770,
    "Kubernetes docs, Resource Management for Pods and Containers", "A container without a "
    "memory limit can starve the node and its neighbours.", fixable=False)  # fmt: skip
SA_TOKEN = _check("K8S-SA-TOKEN", "Service account token mounted", Severity.LOW, 200,
    f"CIS Kubernetes Benchmark v1.8 §5.1.6; {_PSS}", "Pods that do not call the API should not "
    "carry a token an attacker could use against it.")  # fmt: skip
WRITABLE_ROOT = _check("K8S-WRITABLE-ROOT-FS", "Writable root file system", Severity.LOW, 732,
    "NSA/CISA Kubernetes Hardening Guide", "A read-only root file system stops an attacker from "
    "changing binaries or dropping tools; mount emptyDir where the app must write.")  # fmt: skip
IMAGE_LATEST = _check("K8S-IMAGE-LATEST", "Image not pinned", Severity.LOW, 1357,
    "Kubernetes docs, Images (image pull policy and tags)", "An image without a tag or with "
    ":latest changes under you; pin a version and preferably a digest.",
    fixable=False)  # fmt: skip


def _get(node: Any, *path: str) -> Any:
    for key in path:
        node = node.get(key) if hasattr(node, "get") else None
    return node


def _line_of(node: Any, key: str, fallback: int) -> int:
    return int(node.lc.key(key)[0]) + 1 if hasattr(node, "lc") and key in node else fallback


def _v(check: Check, line: int, msg: str, ctx: str, anchor: int, **fix: str) -> Violation:
    hint = {"anchor": str(anchor), **fix} if fix else {}
    return Violation(check, line, msg, msg, ctx, hint)


def _container_violations(pod: PodSpec, c: Container) -> list[Violation]:
    ctx, sc = f"{pod.owner} container {c.name}", _get(c.node, "securityContext")
    pod_sc = _get(pod.node, "securityContext")
    out: list[Violation] = []
    if _get(sc, "privileged") is True:
        line = _line_of(sc, "privileged", c.line)
        out.append(_v(PRIVILEGED, line, "privileged: true", ctx, c.line, field="privileged"))
    if _get(sc, "allowPrivilegeEscalation") is not False:
        line = _line_of(sc, "allowPrivilegeEscalation", c.line)
        msg = "allowPrivilegeEscalation is not false"
        out.append(_v(PRIV_ESCALATION, line, msg, ctx, c.line, field="allowPrivilegeEscalation"))
    user = _get(sc, "runAsUser") if _get(sc, "runAsUser") is not None else _get(pod_sc, "runAsUser")
    non_root = _get(sc, "runAsNonRoot")
    non_root = _get(pod_sc, "runAsNonRoot") if non_root is None else non_root
    if user == 0:
        node = sc if _get(sc, "runAsUser") is not None else pod_sc
        out.append(_v(RUN_AS_ROOT, _line_of(node, "runAsUser", c.line), "runAsUser: 0", ctx, 0))
    elif non_root is not True and not (isinstance(user, int) and user > 0):
        line = _line_of(sc, "runAsNonRoot", c.line)
        out.append(_v(RUN_AS_NON_ROOT, line, "runAsNonRoot is not true", ctx, c.line,
                      field="runAsNonRoot"))  # fmt: skip
    if _get(sc, "readOnlyRootFilesystem") is not True:
        line = _line_of(sc, "readOnlyRootFilesystem", c.line)
        msg = "readOnlyRootFilesystem is not true"
        out.append(_v(WRITABLE_ROOT, line, msg, ctx, c.line, field="readOnlyRootFilesystem"))
    out += _capability_violations(c, sc, ctx)
    if _get(c.node, "resources", "limits", "memory") is None:
        out.append(_v(NO_LIMITS, c.line, "no memory limit", ctx, 0))
    image = str(_get(c.node, "image") or "")
    name = image.rsplit("/", 1)[-1]
    if image and "@" not in image and (":" not in name or name.endswith(":latest")):
        line = _line_of(c.node, "image", c.line)
        out.append(_v(IMAGE_LATEST, line, f"image {image} is not pinned", ctx, 0))
    return out


def _capability_violations(c: Container, sc: Any, ctx: str) -> list[Violation]:
    out: list[Violation] = []
    caps = _get(sc, "capabilities")
    added = [str(a).upper().removeprefix("CAP_") for a in (_get(caps, "add") or [])]
    bad = sorted(set(added) & _BAD_CAPS)
    if bad:
        line = _line_of(caps, "add", c.line)
        out.append(_v(CAPS_ADD, line, f"capabilities add {', '.join(bad)}", ctx, 0))
    dropped = {str(d).upper() for d in (_get(caps, "drop") or [])}
    if "ALL" not in dropped:
        msg = "capabilities drop does not include ALL"
        out.append(_v(CAPS_NOT_DROPPED, c.line, msg, ctx, c.line, field="capabilities"))
    return out


def _pod_violations(pod: PodSpec) -> list[Violation]:
    out: list[Violation] = []
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.node.get(key) is True:
            line = _line_of(pod.node, key, pod.line)
            out.append(_v(HOST_NAMESPACE, line, f"{key}: true", pod.owner, pod.line, pod=key))
    for vol in pod.node.get("volumes") or []:
        if hasattr(vol, "get") and vol.get("hostPath") is not None:
            path = _get(vol, "hostPath", "path") or "?"
            line = _line_of(vol, "hostPath", pod.line)
            out.append(_v(HOST_PATH, line, f"hostPath volume {path}", pod.owner, 0))
    if pod.node.get("automountServiceAccountToken") is not False:
        line = _line_of(pod.node, "automountServiceAccountToken", pod.line)
        msg = "automountServiceAccountToken is not false"
        out.append(_v(SA_TOKEN, line, msg, pod.owner, pod.line,
                      pod="automountServiceAccountToken"))  # fmt: skip
    return out


class KubernetesAuditor(ConfigAuditor):
    """Audits Kubernetes workload manifests against the restricted Pod Security Standard."""

    id: ClassVar[str] = "kubernetes"
    file_globs = ("*.yaml", "*.yml")
    checks = (PRIVILEGED, PRIV_ESCALATION, RUN_AS_NON_ROOT, RUN_AS_ROOT, HOST_NAMESPACE,
              HOST_PATH, CAPS_ADD, CAPS_NOT_DROPPED, NO_LIMITS, SA_TOKEN, WRITABLE_ROOT,
              IMAGE_LATEST)  # fmt: skip
    cwes = frozenset(c.cwe for c in checks)
    validator = Validator("kubernetes-validate", ("--quiet", "{file}"), "kubernetes-validate")
    """A PyPI package (pip install kubernetes-validate), not a Debian one; works offline."""

    def accepts(self, target: Target) -> bool:
        if target.kind is not TargetKind.FILE:
            return False
        if not any(PurePath(target.locator).match(g) for g in self.file_globs):
            return False
        try:
            with open(target.locator, encoding="utf-8", errors="replace") as fh:
                return looks_like_manifest(fh.read(_PEEK))
        except OSError:
            return False

    def audit_text(self, text: str, path: str) -> list[Violation]:
        out: list[Violation] = []
        for pod in pod_specs(text):
            out += _pod_violations(pod)
            for c in pod.containers:
                out += _container_violations(pod, c)
        log.debug("%s: %d violations", path, len(out))
        return sorted(out, key=lambda v: (v.line, v.check.id, v.context))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        wanted = [v for v in violations if v.check.fixable and v.fix]
        return apply_k8s_fixes(text, pod_specs(text), wanted) if wanted else text
