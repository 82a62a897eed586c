"""Benchmark: Mamori's log detection vs. Zircolite, and line throughput on auth/access logs.

1. EVTX: every file of ../shared/data/evtx-attack-samples against the same SigmaHQ Windows
   rules (``rules/windows`` of ../shared/data/sigma), Mamori in-process vs. Zircolite run as
   a separate program from its own virtualenv (never part of Mamori). Each runs in its own
   child process; peak RSS is that child's own ``ru_maxrss``.
2. Lines: a synthetic auth.log and access.log with the variety of real ones (sshd password,
   key and invalid-user logins, PAM sessions, disconnects, sudo and cron lines; static assets,
   API calls with ids, searches, several user agents, attacks mixed in), parsed and detected
   with Mamori's pack plus SigmaHQ's linux/builtin and web rules.

    .venv/bin/python bench/logs.py [--zircolite /tmp/zirco] [--lines 200000]

``--zircolite`` is a folder holding ``zircolite.py`` and a ``venv/`` with its requirements;
without it only Mamori is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
    """An auth.log and an access.log of ``n`` lines each, with the variety of real ones."""
    rnd = random.Random(7)  # noqa: S311 - synthetic data
    auth, access = folder / "auth.log", folder / "access.log"
    auth.write_text(_lines(rnd, n, _AUTH, "{syslog} bastion1 {body}\n"))
    access.write_text(_lines(rnd, n, _ACCESS, "{body}\n"))
    return [auth, access]


_AUTH = [  # (share of lines, message after the host)
    (20, "sshd[{pid}]: Failed password for {user} from {attacker} port {port} ssh2"),
    (10, "sshd[{pid}]: Failed password for {user} from {ip} port {port} ssh2"),
    (15, "sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 k3"),
    (10, "sshd[{pid}]: Invalid user {user}{n} from {attacker} port {port}"),
    (10, "sshd[{pid}]: pam_unix(sshd:session): session opened for user {user}(uid=1000) by "
         "(uid=0)"),
    (10, "sshd[{pid}]: Disconnected from user {user} {ip} port {port}"),
    (8, "sshd[{pid}]: Connection closed by authenticating user {user} {ip} port {port} "
        "[preauth]"),
    (7, "CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"),
    (5, "sudo[{pid}]:    {user} : TTY=pts/{n} ; PWD=/home/{user} ; USER=root ; "
        "COMMAND=/usr/bin/systemctl restart app{n}"),
    (5, "sshd[{pid}]: Received disconnect from {ip} port {port}:11: disconnected by user"),
]  # fmt: skip


def _request(client: str, target: str, agent: str = "{agent}") -> str:
    """A combined-format access line template."""
    return f'{client} - - [{{clf}}] "GET {target} HTTP/1.1" {{status}} {{id}} "{{ref}}" "{agent}"'


_ACCESS = [  # (share of requests, line); attacks come from a few addresses
    (30, _request("{ip}", "/static/{kind}/app.{n:x}.{kind}")),
    (25, _request("{ip}", "/api/v1/accounts/{id}/transactions?page={n}")),
    (15, _request("{ip}", "/search?q={word}&p={n}")),
    (15, _request("{ip}", "{page}")),
    (5, _request("{attacker}", "/item?id={n}%20UNION%20SELECT%20password%20FROM%20users--")),
    (5, _request("{attacker}", "/download?file=..%2F..%2F..%2Fetc%2Fpasswd&n={id}")),
    (5, _request("{attacker}", "/{probe}?{id}", "{scanner}")),
]
_START = dt.datetime(2026, 3, 3, 9, 0)
_NETS = ["198.51", "203.0", "10.20", "192.0"]
_CHOICES = {
    "user": ["root", "admin", "deploy", "oracle", "alice", "bob", "svc-backup", "ubuntu", "git"],
    "kind": ["js", "css", "png"],
    "word": ["loan", "deposit", "fx+rate", "atm", "card"],
    "page": ["/", "/login", "/logout", "/healthz", "/favicon.ico"],
    "probe": [".env", ".git/config", "wp-login.php", "admin/"],
    "status": 12 * ["200"] + 3 * ["304"] + 3 * ["302"] + ["404", "500"],
    "ref": ["-", "-", "https://online.bank.example/", "https://online.bank.example/login"],
    "agent": 8 * [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    ] + ["kube-probe/1.29", "curl/8.5.0", "python-requests/2.32.3",
         "Googlebot/2.1 (+http://www.google.com/bot.html)"],
    "scanner": ["sqlmap/1.8.11#stable", "Nikto/2.5.0", "curl/8.5.0"],
}  # fmt: skip


def _values(rnd: random.Random, i: int) -> dict[str, object]:
    """Random values for one line's template."""
    at = _START + dt.timedelta(seconds=i)
    values: dict[str, object] = {k: rnd.choice(v) for k, v in _CHOICES.items()}
    values.update(
        ip=f"{rnd.choice(_NETS)}.{rnd.randrange(256)}.{rnd.randrange(256)}",
        attacker=f"192.0.2.{rnd.randrange(24)}",
        port=40000 + rnd.randrange(9999), pid=1000 + i % 9000, n=rnd.randrange(64),
        id=rnd.randrange(10**6),
        syslog=f"{at:%b} {at.day:2d} {at:%H:%M:%S}", clf=f"{at:%d/%b/%Y:%H:%M:%S} +0900",
    )  # fmt: skip
    return values


def _lines(rnd: random.Random, n: int, table: list[tuple[int, str]], line: str) -> str:
    """``n`` lines: ``line`` filled with a template drawn from ``table`` by share."""
    weights, templates = zip(*table, strict=True)
    out = []
    for i, template in enumerate(rnd.choices(templates, weights, k=n)):
        values = _values(rnd, i)
        out.append(line.format(body=template.format(**values), **values))
    return "".join(out)


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
