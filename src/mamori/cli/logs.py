"""``mamori logs scan|watch``: batch and follow-mode log detection."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from rich.console import Console

from mamori.analysers.logs.analyser import load_pack
from mamori.analysers.logs.dedupe import Alert
from mamori.analysers.logs.stream import watch
from mamori.errors import ConfigError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``logs`` command group."""
    logs = sub.add_parser("logs", help="detect attacks in log files (Sigma rules, correlation)")
    lsub = logs.add_subparsers(dest="logs_command", metavar="ACTION", required=True)
    scan = lsub.add_parser("scan", help="scan log files or folders in batch (same as `mamori "
                           "scan --analysers logs`)")  # fmt: skip
    scan.add_argument("paths", nargs="+", metavar="PATH")
    follow = lsub.add_parser("watch", help="follow log files (across rotation) and print alerts "
                             "as they happen; Ctrl-C to stop")  # fmt: skip
    follow.add_argument("files", nargs="+", metavar="FILE")
    follow.add_argument("--poll", type=float, default=0.5, help="seconds between reads")
    for p in (scan, follow):
        p.add_argument("--rules", action="append", default=[], metavar="DIR",
                       help="extra Sigma rule folder (repeatable)")  # fmt: skip


def run_watch(args: argparse.Namespace, out: Console) -> int:
    """Follow files until interrupted, printing one line per alert."""
    pack = load_pack(tuple(args.rules))
    for failure in pack.failures:
        out.print(f"rule not loaded: {failure.source}: {failure.reason}", markup=False)
    stopped = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stats = watch(args.files, pack, lambda a: out.print(_line(a), markup=False,
                                                             highlight=False),
                      poll=args.poll, stop=stopped.is_set)  # fmt: skip
    except OSError as e:
        raise ConfigError(f"cannot follow {e.filename}: {e.strerror}") from e
    for path, st in stats.items():
        out.print(f"{path}: {st.events} events, {st.bad} unparseable lines", markup=False)
    return 0


def _line(a: Alert) -> str:
    group = ", ".join(f"{k}={v}" for k, v in a.group)
    when = a.first_seen.isoformat() if a.first_seen else "?"
    return f"{when}  {a.severity.name:<8} {a.title}  [{group}] x{a.count}"
