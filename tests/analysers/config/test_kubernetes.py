"""Kubernetes auditor: labelled examples, fix contract, content sniffing, real schema validator."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysers.config.labelled_examples import (
    check_fix_contract,
    example_files,
    expected_ids,
    triggered,
)
from mamori.analysers.config.kubernetes import KubernetesAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

K8S = KubernetesAuditor(AnalyserSettings())
FAIL = example_files("kubernetes", "fail")
PASS = example_files("kubernetes", "pass")

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  automountServiceAccountToken: false
  containers:
  - name: c
    image: busybox:1.36.1
    securityContext: {}
    resources: {limits: {memory: 8Mi}}
"""


@pytest.mark.parametrize("path", FAIL + PASS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_trigger_exactly_their_manifest(path: Path) -> None:
    want = expected_ids(path)
    assert triggered(K8S, path.read_text(encoding="utf-8"), str(path)) == want
    assert bool(want) == (path.parent.name == "fail")


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fix_contract_on_fail_examples(path: Path) -> None:
    check_fix_contract(K8S, path)


def test_every_check_has_a_failing_example() -> None:
    seen = set().union(*(expected_ids(p) for p in FAIL))
    assert {c.id for c in K8S.checks} == seen


def test_pod_level_settings_apply_to_containers() -> None:
    text = POD.replace("  containers:", "  securityContext:\n    runAsUser: 0\n  containers:")
    ids = [v.check.id for v in K8S.audit_text(text, "pod.yaml")]
    assert "K8S-RUN-AS-ROOT" in ids and "K8S-RUN-AS-NON-ROOT" not in ids
    text = POD.replace("  containers:", "  securityContext:\n    runAsNonRoot: true\n  containers:")
    assert "K8S-RUN-AS-NON-ROOT" not in triggered(K8S, text)


def test_flow_style_security_context_is_reported_but_not_rewritten() -> None:
    vs = K8S.audit_text(POD, "pod.yaml")
    assert {v.check.id for v in vs} == {
        "K8S-PRIV-ESCALATION",
        "K8S-RUN-AS-NON-ROOT",
        "K8S-WRITABLE-ROOT-FS",
        "K8S-CAPS-NOT-DROPPED",
    }
    assert K8S.fix_text(POD, vs) == POD


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("apiVersion: v1\nkind: Pod\nspec: {containers: [\n", "invalid YAML"),
        ("apiVersion: v1\nkind: Pod\nkind: Pod\n", "invalid YAML"),
        ("apiVersion: v1\nkind: Pod\n---\n- a\n", "not a Kubernetes object"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  containers: {a: 1}\n", "containers is not a list"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  containers: [{image: x}]\n", "with a name"),
    ],
)
def test_malformed_manifests_raise(bad: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        K8S.audit_text(bad, "pod.yaml")


def test_accepts_only_yaml_that_looks_like_a_manifest(tmp_path: Path) -> None:
    manifest, other, compose = tmp_path / "app.yaml", tmp_path / "ci.yml", tmp_path / "x.yml"
    manifest.write_text(POD, encoding="utf-8")
    other.write_text("stages: [build]\nkind: of-not-k8s\n", encoding="utf-8")
    compose.write_text("services:\n  a: {image: x}\n", encoding="utf-8")
    accepted = [
        K8S.accepts(Target(TargetKind.FILE, str(p), "t")) for p in (manifest, other, compose)
    ]
    assert accepted == [True, False, False]
    assert not K8S.accepts(Target(TargetKind.FILE, str(tmp_path / "pod.json"), "t"))
    helm = tmp_path / "deploy.yaml"
    helm.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n"
        '    {{- include "c.labels" . | nindent 4 }}\n',
        encoding="utf-8",
    )
    out = list(K8S.analyse([Target(TargetKind.FILE, str(helm), "t")]))
    assert len(out) == 1 and isinstance(out[0], Skipped)


# --- the real validator (PyPI package: kubernetes-validate, offline schemas) --------------


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    program = shutil.which("kubernetes-validate") or str(
        Path(sys.executable).parent / "kubernetes-validate"
    )
    assert Path(program).exists(), "pip install kubernetes-validate"
    validator = K8S.validator
    assert validator is not None
    args = [a.replace("{file}", str(path)) for a in validator.args]
    return subprocess.run([program, *args], capture_output=True, text=True, timeout=120)


def test_real_validator_accepts_fixed_examples(tmp_path: Path) -> None:
    for path in FAIL + PASS:
        fixed = check_fix_contract(K8S, path) if path.parent.name == "fail" else path.read_text()
        target = tmp_path / path.name
        target.write_text(fixed, encoding="utf-8")
        run = _validate(target)
        assert run.returncode == 0, f"{path.name}: {run.stdout}{run.stderr}"
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (FAIL[0].parent / "deployment.yaml")
        .read_text(encoding="utf-8")
        .replace("replicas: 3", "replicas: three"),
        encoding="utf-8",
    )
    assert "replicas: three" in broken.read_text(encoding="utf-8")
    assert _validate(broken).returncode != 0
