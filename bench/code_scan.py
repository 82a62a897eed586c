"""Benchmark: `mamori scan` (all code analysers, in parallel) vs. the same engines run one after
another on the same files: Bandit then Semgrep (the peers), and every Mamori code engine alone.

Corpus: the running Python's standard library (without its test suites) plus a few large
packages from the current virtualenv, copied into a temporary folder (>= 300k lines).

    .venv/bin/python bench/code_scan.py [--packages sqlalchemy,rich,pydantic] [--jobs N]

Prints LOC, seconds, LOC/s for each run and two ratios: (Bandit + Semgrep) / mamori, and
(sum of every engine mamori runs, each alone) / mamori — > 1 means the parallel scan is faster.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("taint", "bandit", "semgrep", "secrets", "deps")
SKIP_DIRS = {"test", "tests", "idlelib", "site-packages", "__pycache__", "lib2to3"}


def build_corpus(dest: Path, packages: list[str]) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(stdlib, dest / "stdlib", ignore=_ignore)
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"package {name!r} is not installed in this venv")
        src = Path(next(iter(spec.submodule_search_locations)))
        shutil.copytree(src, dest / name, ignore=_ignore)
    return sum(_lines(p) for p in dest.rglob("*.py"))


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_DIRS or not (n.endswith(".py") or "." not in n)}


def _lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr[-2000:])
        raise SystemExit(f"{cmd[0]} failed with exit code {done.returncode}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packages", default="sqlalchemy,rich,pydantic")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mamori-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        loc = build_corpus(corpus, [p for p in args.packages.split(",") if p])
        env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
        out = Path(tmp) / "out"

        def mamori(analysers: str) -> float:  # each run starts without the cache
            work = Path(tmp)
            return timed([str(BIN / "mamori"), "scan", str(corpus), "--no-store", "--no-progress",
                          "--format", "json", "--out", str(out), "--fail-on", "never",
                          "--ledger", str(work / "ledger"), "--fixes", str(work / "fixes"),
                          "--analysers", analysers, "--jobs", str(args.jobs),
                          "--no-cache"], env)  # fmt: skip

        parallel = mamori(",".join(ENGINES))
        alone = {name: mamori(name) for name in ENGINES}
        bandit = timed([str(BIN / "bandit"), "-r", "-q", "-f", "json", "-o",
                        str(Path(tmp) / "bandit.json"), str(corpus)], env)  # fmt: skip
        semgrep = timed([str(BIN / "semgrep"), "scan", "--metrics=off", "--disable-version-check",
                         "--json", "--quiet", "--no-git-ignore", "--config",
                         str(ROOT / "rules" / "semgrep"), "-o", str(Path(tmp) / "semgrep.json"),
                         "--jobs", str(args.jobs), str(corpus)], env)  # fmt: skip
    sequential = bandit + semgrep
    engines_sum = sum(alone.values())
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"corpus: {loc:,} lines of Python (stdlib without tests + {args.packages})")
    print(f"{'run':<44}{'seconds':>10}{'LOC/s':>12}")
    rows = [
        (f"mamori scan ({'+'.join(ENGINES)})", parallel),
        ("bandit CLI", bandit),
        ("semgrep CLI (Mamori pack)", semgrep),
        ("bandit then semgrep", sequential),
    ]
    rows += [(f"mamori scan --analysers {name} (alone)", secs) for name, secs in alone.items()]
    rows += [("every mamori engine alone, one after another", engines_sum)]
    for name, secs in rows:
        print(f"{name:<44}{secs:>10.1f}{loc / secs:>12,.0f}")
    print(f"ratio (bandit + semgrep) / mamori: {sequential / parallel:.2f}x")
    print(f"ratio (sum of its engines) / mamori: {engines_sum / parallel:.2f}x (goal: > 1)")


if __name__ == "__main__":
    main()
