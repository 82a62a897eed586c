"""Benchmark: the `taint` analyser's speed and memory against Bandit on one large real corpus.

Corpus: the running Python's standard library (without test suites) plus large packages from
the current virtualenv, copied into a temporary folder (see bench/code_scan.py), >= 500k lines.

    .venv/bin/python bench/taint_speed.py [--packages sqlalchemy,pydantic,rich,...]

Runs, each as its own process (wall time and peak RSS from wait4):
  1. bandit -r CORPUS (the peer);
  2. taint, cold (empty facts cache);
  3. taint re-scan after appending a function to one file (warm cache);
and prints LOC/s, peak RSS and the ratio taint LOC/s / Bandit LOC/s.
Goals (issue 3): ratio >= 2 with <= 2 GB RSS; re-scan after one edit <= 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from code_scan import build_corpus  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_PACKAGES = "sqlalchemy,pydantic,rich,pygments,cryptography,starlette,alembic,jinja2,sigma"


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stdout of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with exit code {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024, out


def child(root: Path, cache: Path) -> None:
    """Run the taint analyser once over ``root`` and print a JSON summary."""
    from mamori.analysers.interface import AnalyserSettings
    from mamori.analysers.taint.analyser import TaintAnalyser
    from mamori.model import Finding, Target, TargetKind

    targets = [Target(TargetKind.FILE, str(f), "bench") for f in sorted(root.rglob("*.py"))]
    settings = AnalyserSettings(root=str(root), options={"cache_dir": str(cache)})
    start = time.perf_counter()
    items = list(TaintAnalyser(settings).analyse(targets))
    findings = sum(isinstance(i, Finding) for i in items)
    print(json.dumps({"findings": findings, "skipped": len(items) - findings,
                      "seconds": time.perf_counter() - start}))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", default=DEFAULT_PACKAGES, help="venv packages to add")
    ap.add_argument("--child", nargs=2, metavar=("ROOT", "CACHE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="mamori-taint-speed-") as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        lines = build_corpus(corpus, [p for p in args.packages.split(",") if p])
        files = sum(1 for _ in corpus.rglob("*.py"))
        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}")  # fmt: skip
        print(f"corpus: {files} files, {lines:,} lines (stdlib + {args.packages})\n")
        me = [sys.executable, __file__, "--child", str(corpus), str(cache)]
        bandit = [str(BIN / "bandit"), "-r", "-q", "-f", "json", "-o", os.devnull, str(corpus)]
        b_s, b_rss, _ = measure(bandit)
        t_s, t_rss, t_out = measure(me)
        every = sorted(corpus.rglob("*.py"))
        edited = every[len(every) // 2]
        with edited.open("a", encoding="utf-8") as fh:
            fh.write("\n\ndef _bench_edit(value):\n    return str(value).strip()\n")
        r_s, r_rss, r_out = measure(me)
        cold, warm = json.loads(t_out), json.loads(r_out)
        rows = [
            ("bandit", b_s, b_rss, "-"),
            ("taint (cold)", t_s, t_rss, f"{cold['findings']} findings"),
            ("taint (re-scan, 1 file edited)", r_s, r_rss, f"{warm['findings']} findings"),
        ]
        print(f"{'run':34} {'seconds':>8} {'LOC/s':>10} {'peak RSS':>10}  result")
        for name, s, rss, note in rows:
            print(f"{name:34} {s:8.1f} {lines / s:10,.0f} {rss:8.0f} MiB  {note}")
        print(f"\ntaint / bandit LOC/s (cold): {b_s / t_s:.2f}x (goal >= 2x)")
        print(f"taint peak RSS: {t_rss:.0f} MiB (goal <= 2048 MiB)")
        print(f"re-scan after editing {edited.relative_to(corpus)}: {r_s:.2f} s wall, "
              f"{warm['seconds']:.2f} s in the analyser (goal <= 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()
