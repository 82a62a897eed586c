"""The ``mamori`` command line: parse, call the library, print. No business logic here.

Exit codes: 0 nothing at/above --fail-on · 1 issues at/above it · 2 usage or config error ·
3 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mamori import __version__
from mamori.analysers.registry import DEFAULT_ANALYSERS, names
from mamori.analysers.runner import DEFAULT_TIMEOUT
from mamori.cli import fix, governance, logs
from mamori.errors import ConfigError, MamoriError
from mamori.governance.ledger import Ledger
from mamori.model import Fingerprint, Severity
from mamori.pipeline import (
    DEFAULT_ADVISORY_DB,
    ScanOptions,
    count_at_or_above,
    remediate,
    scan,
    write_patches,
    write_reports,
)
from mamori.remediation import DEFAULT_FIXES_DIR, FixStore
from mamori.report import FORMATS
from mamori.report.terminal import render_summary
from mamori.store import Store
from mamori.targets import DEFAULT_MAX_FILE_SIZE

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        err.print(f"[red]mamori: error:[/] {message}")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (its --help text is copied into the README)."""
    p: argparse.ArgumentParser = _Parser(
        prog="mamori",
        description="Mamori (守り): self-hosted cyber-defence scanner.",
        epilog="Exit codes: 0 clean, 1 issues at/above --fail-on, 2 usage/config error, "
        "3 internal error.",
    )
    p.add_argument("--version", action="version", version=f"mamori {__version__}")
    p.add_argument("--db", default=None, help="store URL (default sqlite:///.mamori/mamori.db)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_scan(sub)
    _add_db(sub)
    r = sub.add_parser("runs", help="list stored scan runs")
    r.add_argument("--limit", type=int, default=20)
    d = sub.add_parser("diff", help="compare two runs: new / fixed / unchanged issues")
    d.add_argument("a", help="older run (id, id prefix, latest, latest~N)")
    d.add_argument("b", help="newer run")
    s = sub.add_parser("suppress", help="accept or dismiss an issue by fingerprint, across runs")
    s.add_argument("fingerprint")
    s.add_argument("--reason", required=True, help="why (shown in every report)")
    s.add_argument("--until", type=dt.date.fromisoformat, help="expiry date YYYY-MM-DD")
    s.add_argument("--by", default=None, help="who is suppressing (default: current user)")
    u = sub.add_parser("unsuppress", help="remove a suppression")
    u.add_argument("fingerprint")
    sub.add_parser("analysers", help="list the registered analysers")
    governance.add_parsers(sub)
    fix.add_parser(sub)
    logs.add_parser(sub)
    return p


def _add_scan(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser("scan", help="scan files and folders, fuse, store and report")
    s.add_argument("paths", nargs="*", metavar="PATH", help="files and folders to scan")
    s.add_argument(
        "--hosts",
        action="store_true",
        help="also discover and probe hosts in the scope file's networks and ports",
    )
    s.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="IP|CIDR",
        help="limit --hosts to these (each must be in scope)",
    )
    s.add_argument(
        "--host-rate",
        type=float,
        default=2000.0,
        metavar="PPS",
        help="connection attempts per second during discovery (default 2000)",
    )
    s.add_argument("--scope", help="scope YAML (default: the named paths are the scope)")
    s.add_argument("--out", default="mamori-out", help="report folder (default: mamori-out)")
    s.add_argument(
        "--format",
        default="json,sarif,md",
        help="comma list of: " + ",".join(sorted(FORMATS)) + " (default: json,sarif,md)",
    )
    s.add_argument(
        "--fail-on", default="high", help="info|low|medium|high|critical|never (default: high)"
    )
    s.add_argument("--jobs", type=int, default=None, help="parallel analyser processes")
    s.add_argument(
        "--analysers",
        default=",".join(DEFAULT_ANALYSERS),
        help=f"comma list (default: {','.join(DEFAULT_ANALYSERS)})",
    )
    s.add_argument(
        "--semgrep-rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra Semgrep rule folder (repeatable)",
    )
    s.add_argument(
        "--taint-rules",
        action="append",
        default=[],
        metavar="FILE",
        help="extra taint rules YAML for your own frameworks (repeatable)",
    )
    s.add_argument(
        "--sigma-rules",
        action="append",
        default=[],
        metavar="DIR",
        help="extra Sigma rule folder for the log analyser (repeatable)",
    )
    s.add_argument("--advisory-db", default=DEFAULT_ADVISORY_DB, metavar="DIR")
    s.add_argument("--precision", default=None, metavar="FILE", help="precision table YAML")
    s.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds per analyser (default {DEFAULT_TIMEOUT:g})",
    )
    s.add_argument("--max-file-size", type=int, default=DEFAULT_MAX_FILE_SIZE, metavar="BYTES")
    s.add_argument("--no-store", action="store_true", help="do not record the run")
    s.add_argument(
        "--cache",
        default=".mamori/cache",
        metavar="DIR",
        help="analysis cache (taint facts by content hash; default .mamori/cache)",
    )
    s.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    s.add_argument(
        "--ledger",
        default=governance.DEFAULT_LEDGER,
        metavar="DIR",
        help=f"audit ledger folder (default {governance.DEFAULT_LEDGER})",
    )
    s.add_argument("--no-progress", action="store_true", help="no progress display")
    s.add_argument(
        "--fixes",
        default=DEFAULT_FIXES_DIR,
        metavar="DIR",
        help=f"where proposed patches are kept (default {DEFAULT_FIXES_DIR})",
    )


def _add_db(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="manage the local OSV advisory database")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    imp = dsub.add_parser("import", help="load a folder of OSV JSON/YAML advisories")
    imp.add_argument("source", metavar="DIR")
    upd = dsub.add_parser("update", help="download the OSV PyPI archive (needs network)")
    upd.add_argument("--url", default=None, help="archive URL (default: OSV's PyPI all.zip)")
    for a in (imp, upd):
        a.add_argument("--advisory-db", default=DEFAULT_ADVISORY_DB, metavar="DIR")


# --- command handlers ------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace) -> int:
    fail_on = None if args.fail_on == "never" else _severity(args.fail_on)
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    opts = ScanOptions(
        paths=tuple(args.paths),
        scope_file=args.scope,
        jobs=args.jobs,
        timeout=args.timeout,
        analysers=tuple(a.strip() for a in args.analysers.split(",") if a.strip()),
        max_file_size=args.max_file_size,
        semgrep_rules=tuple(args.semgrep_rules),
        advisory_db=args.advisory_db,
        precision_table=args.precision,
        hosts=args.hosts or bool(args.host),
        host_list=tuple(args.host),
        host_rate=args.host_rate,
        extra={
            "taint_rules": [str(Path(f).resolve()) for f in args.taint_rules],
            "sigma_rules": [str(Path(d).resolve()) for d in args.sigma_rules],
            **({} if args.no_cache else {"cache_dir": str(Path(args.cache).resolve())}),
        },
    )
    store = None if args.no_store else Store.open(args.db)
    try:
        with (
            Ledger.open(args.ledger) as ledger,
            _progress(len(opts.analysers), quiet=args.no_progress) as hook,
        ):
            result = scan(opts, store=store, ledger=ledger, hook=hook)
            patches = remediate(result, FixStore(args.fixes), ledger)
    finally:
        if store is not None:
            store.close()
    written = write_reports(result, args.out, formats) + write_patches(patches, args.out)
    render_summary(result, out)
    if patches:
        out.print(fix.patch_table(patches))
    for path in written:
        out.print(f"wrote {path}")
    if fail_on is None:
        return EXIT_OK
    return EXIT_FINDINGS if count_at_or_above(result, fail_on) else EXIT_OK


def cmd_logs(args: argparse.Namespace) -> int:
    """``logs watch`` follows files; ``logs scan`` is a scan with only the log analyser."""
    if args.logs_command == "watch":
        return logs.run_watch(args, out)
    argv = ["scan", *args.paths, "--analysers", "logs", "--fail-on", "never"]
    scan_args = build_parser().parse_args([*(["--db", args.db] if args.db else []), *argv])
    scan_args.extra_sigma_rules = args.rules
    return cmd_scan(scan_args)


def cmd_db(args: argparse.Namespace) -> int:
    from mamori.analysers.deps.advisories import import_advisories, update_advisories

    if args.db_command == "import":
        summary = import_advisories(args.source, args.advisory_db)
    else:
        kwargs = {"url": args.url} if args.url else {}
        summary = update_advisories(args.advisory_db, **kwargs)
    out.print(f"advisory database {args.advisory_db}: {summary}")
    return EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        for r in store.runs(args.limit):
            out.print(str(r))
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        d = store.diff(args.a, args.b)
    for label, issues in (("new", d.new), ("fixed", d.fixed), ("unchanged", d.unchanged)):
        out.print(f"[bold]{label}[/]: {len(issues)}")
        for i in issues:
            out.print(
                f"  {i.fingerprint[:12]}  {i.severity.name:<8} {i.anchor.title}  "
                f"{i.anchor.location}",
                markup=False,
                highlight=False,
            )
    return EXIT_OK


def cmd_suppress(args: argparse.Namespace) -> int:
    by = args.by or _user()
    with Store.open(args.db) as store:
        sup = store.suppress(Fingerprint(args.fingerprint), args.reason, args.until, by)
    out.print(
        f"suppressed {sup.fingerprint} by {sup.created_by}"
        + (f" until {sup.until}" if sup.until else "")
    )
    return EXIT_OK


def cmd_unsuppress(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        removed = store.unsuppress(Fingerprint(args.fingerprint))
    if not removed:
        raise ConfigError(f"no suppression for fingerprint {args.fingerprint}")
    out.print(f"removed suppression {args.fingerprint}")
    return EXIT_OK


def cmd_analysers(args: argparse.Namespace) -> int:
    from mamori.analysers.registry import load

    for name in names():
        doc = (load(name).__doc__ or "").strip().splitlines()
        out.print(f"{name:<10} {doc[0] if doc else ''}")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "scan": cmd_scan,
    "db": cmd_db,
    "runs": cmd_runs,
    "diff": cmd_diff,
    "suppress": cmd_suppress,
    "unsuppress": cmd_unsuppress,
    "analysers": cmd_analysers,
    "fix": lambda a: fix.run(a, out),
    "logs": lambda a: cmd_logs(a),
    "audit": lambda a: governance.audit(a, out),
    "approvals": lambda a: governance.approvals(a, out),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    logging.basicConfig(
        level=os.environ.get("MAMORI_LOGLEVEL", "WARNING").upper(),
        format="%(levelname)s %(name)s: %(message)s",
    )
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except MamoriError as e:
        err.print(f"[red]mamori: {type(e).__name__}:[/] {e}", markup=True, highlight=False)
        return EXIT_USAGE if e.exit_code == EXIT_USAGE else EXIT_INTERNAL
    except KeyboardInterrupt:
        err.print("mamori: interrupted")
        return EXIT_INTERNAL
    except Exception:
        logging.getLogger(__name__).exception("internal error")
        err.print("[red]mamori: internal error[/] — please report it with the traceback above")
        return EXIT_INTERNAL


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as e:
        raise ConfigError(f"--fail-on: {e}") from e


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class _progress:  # noqa: N801 - used like a function in a with-statement
    """A Rich progress display fed by the runner's start/finish events."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.quiet = quiet or not err.is_terminal
        self.view = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        self.task = self.view.add_task("analysers", total=total)
        self.running: list[str] = []

    def __enter__(self) -> Callable[[str, str], None]:
        if not self.quiet:
            self.view.start()
        return self.hook

    def __exit__(self, *exc: object) -> None:
        if not self.quiet:
            self.view.stop()

    def hook(self, analyser: str, event: str) -> None:
        if event == "start":
            self.running.append(analyser)
        else:
            self.running.remove(analyser)
            self.view.advance(self.task)
            if event != "ok":
                err.print(f"[yellow]analyser {analyser} {event}[/] (recorded as skipped)")
        self.view.update(self.task, description="running: " + (", ".join(self.running) or "—"))


if __name__ == "__main__":
    raise SystemExit(main())
