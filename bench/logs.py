"""Benchmark: Mamori's log detection vs. Zircolite, and line throughput on auth/access logs.

1. EVTX: every file of ../shared/data/evtx-attack-samples against the same SigmaHQ Windows
   rules (``rules/windows`` of ../shared/data/sigma), Mamori in-process vs. Zircolite run as
   a separate program from its own virtualenv (never part of Mamori). Each runs in its own
   child process; peak RSS is that child's own ``ru_maxrss``.
2. Lines: a synthetic auth.log and access.log (with attacks mixed in), parsed and detected
   with Mamori's pack plus SigmaHQ's linux/builtin and web rules.

    .venv/bin/python bench/logs.py [--zircolite /tmp/zirco] [--lines 200000]

``--zircolite`` is a folder holding ``zircolite.py`` and a ``venv/`` with its requirements;
without it only Mamori is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EVTX = DATA / "evtx-attack-samples"
WINDOWS_RULES = DATA / "sigma/rules/windows"
LINE_RULES = (DATA / "sigma/rules/linux/builtin", DATA / "sigma/rules/web")


def run_child(cmd: list[str], cwd: str | None = None) -> tuple[float, int, str]:
    """Run ``cmd``; return wall seconds, its peak RSS in MiB and its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed with exit code {proc.returncode}")
    return seconds, usage.ru_maxrss // 1024, text


def mamori_evtx(workers: int) -> None:
    """Child mode: detect over the EVTX corpus, print JSON figures."""
    from mamori.analysers.logs.dedupe import ENTITY_FIELDS, dedupe  # noqa: PLC0415
    from mamori.analysers.logs.shards import match_files  # noqa: PLC0415
    from mamori.analysers.logs.sigma_engine import SigmaEngine  # noqa: PLC0415
    from mamori.analysers.logs.sigma_load import load_rules  # noqa: PLC0415

    start = time.perf_counter()
    loaded = load_rules([WINDOWS_RULES])
    engine = SigmaEngine(loaded.rules, loaded.sources)
    loaded_at = time.perf_counter()
    files = [(str(p), p.name) for p in sorted(EVTX.rglob("*.evtx"))]
    matches, reports = match_files(engine, files, frozenset(ENTITY_FIELDS), workers)
    detected_at = time.perf_counter()
    for report in reports:
        if report.error:
            print(f"skip {report.display}: {report.error}", file=sys.stderr)
    alerts = dedupe(matches)
    print(json.dumps({
        "rules": len(engine.rules), "failed": len(loaded.failures) + len(engine.failures),
        "events": sum(r.stats.events for r in reports if r.stats),
        "matches": len(matches), "alerts": len(alerts),
        "fired": len({m.rule.rule_id for m in matches}),
        "load_s": loaded_at - start, "detect_s": detected_at - loaded_at,
    }))  # fmt: skip


def mamori_lines(n: int, workers: int) -> None:
    """Child mode: parse + detect synthetic auth and access logs, print JSON figures."""
    from mamori.analysers.logs.analyser import load_pack  # noqa: PLC0415

    pack = load_pack(tuple(str(p) for p in LINE_RULES))
    with tempfile.TemporaryDirectory() as tmp:
        files = _write_lines(Path(tmp), n)
        start = time.perf_counter()
        alerts, _ = pack.detect_files([(str(f), f.name) for f in files], workers)
        seconds = time.perf_counter() - start
    print(json.dumps({"rules": len(pack.engine.rules), "lines": 2 * n,
                      "alerts": len(alerts), "seconds": seconds}))  # fmt: skip


def _write_lines(folder: Path, n: int) -> list[Path]:
    rnd = random.Random(7)  # noqa: S311 - synthetic data
    auth, access = folder / "auth.log", folder / "access.log"
    users = ["root", "admin", "deploy", "oracle", "alice", "bob"]
    with auth.open("w") as fh:
        for i in range(n):
            ip = f"198.51.{rnd.randrange(256)}.{rnd.randrange(256)}"
            s = i % 60
            verb = "Failed" if rnd.random() < 0.3 else "Accepted"
            user = rnd.choice(users)
            head = f"Mar  3 10:{(i // 60) % 60:02d}:{s:02d} web1 sshd[{1000 + i % 97}]"
            fh.write(f"{head}: {verb} password for {user} from {ip} port {40000 + i} ssh2\n")
    paths = ["/", "/login", "/item?id=42", "/static/app.js", "/search?q=shoes",
             "/item?id=1%20UNION%20SELECT%20pw", "/dl?f=../../etc/passwd"]  # fmt: skip
    with access.open("w") as fh:
        for i in range(n):
            ip = f"203.0.{rnd.randrange(256)}.{rnd.randrange(256)}"
            path = paths[0 if rnd.random() < 0.5 else rnd.randrange(len(paths))]
            fh.write(f'{ip} - - [03/Mar/2026:10:{(i // 60) % 60:02d}:{i % 60:02d} +0000] '
                     f'"GET {path} HTTP/1.1" 200 512 "-" "Mozilla/5.0"\n')  # fmt: skip
    return [auth, access]


def zircolite(folder: Path) -> dict[str, float]:
    """Zircolite on the same corpus and rules, as a separate program."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "detected.json"
        cmd = [str(folder / "venv/bin/python"), "zircolite.py", "--evtx", str(EVTX),
               "--ruleset", str(WINDOWS_RULES), "--pipeline", "sysmon", "windows-logsources",
               "--outfile", str(out), "--quiet"]  # fmt: skip
        seconds, rss, _ = run_child(cmd, cwd=str(folder))
        detections = json.loads(out.read_text()) if out.exists() else []
    alerts = sum(int(d.get("count", len(d.get("matches", [])))) for d in detections)
    return {"seconds": seconds, "rss": rss, "rules_fired": len(detections), "matches": alerts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--zircolite", type=Path, help="folder with zircolite.py and venv/")
    ap.add_argument("--lines", type=int, default=200_000, help="lines per synthetic log")
    ap.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--child", choices=("evtx", "lines"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "evtx":
        return mamori_evtx(args.workers)
    if args.child == "lines":
        return mamori_lines(args.lines, args.workers)
    me = [sys.executable, __file__]
    seconds, rss, text = run_child([*me, "--child", "evtx"])
    m = json.loads(text)
    rate = m["events"] / seconds
    print(f"mamori evtx: {m['events']} events, {m['rules']} rule variants ({m['failed']} failed), "
          f"{m['fired']} rules fired, {m['matches']} matches, {m['alerts']} alerts; "
          f"{seconds:.1f}s wall "
          f"(load {m['load_s']:.1f}s, parse+detect {m['detect_s']:.1f}s), "
          f"{rate:,.0f} events/s overall, {m['events'] / m['detect_s']:,.0f} events/s "
          f"parse+detect, peak RSS {rss} MiB")  # fmt: skip
    if args.zircolite:
        z = zircolite(args.zircolite)
        zrate = m["events"] / z["seconds"]
        print(
            f"zircolite evtx: {z['rules_fired']:.0f} rules fired, {z['matches']:.0f} matches; "
            f"{z['seconds']:.1f}s wall, {zrate:,.0f} events/s, peak RSS {z['rss']:.0f} MiB"
        )
        print(f"ratio (mamori / zircolite events/s, wall clock): {rate / zrate:.2f}x")  # fmt: skip
    for workers in (1, 0):
        lines_child(me, args.lines, workers)
    return None


def lines_child(me: list[str], n: int, workers: int) -> None:
    """Run the auth/access measurement in a child and print it."""
    cmd = [*me, "--child", "lines", "--lines", str(n), "--workers", str(workers)]
    _, rss, text = run_child(cmd)
    lines = json.loads(text)
    procs = "1 process" if workers == 1 else "all cores"
    print(f"mamori auth+access ({procs}): {lines['lines']} lines, {lines['rules']} rule variants, "
          f"{lines['alerts']} alerts; parse+detect {lines['seconds']:.2f}s = "
          f"{lines['lines'] / lines['seconds']:,.0f} lines/s, peak RSS {rss} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
