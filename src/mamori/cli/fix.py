"""``mamori fix …``: list, show, apply and roll back configuration patches."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mamori.actions import apply_patch, rollback
from mamori.cli.governance import DEFAULT_LEDGER, DEFAULT_POLICY
from mamori.errors import ConfigError
from mamori.governance.approvals import Gate
from mamori.governance.ledger import Ledger
from mamori.governance.policy import Policy
from mamori.model import Patch, PatchStatus
from mamori.remediation import DEFAULT_FIXES_DIR, FixStore
from mamori.scope import UNCLASSIFIED, Scope


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``fix`` command group."""
    fix = sub.add_parser("fix", help="list, show, apply and roll back verified config patches")
    f = fix.add_subparsers(dest="fix_command", metavar="ACTION", required=True)
    f.add_parser("list", help="patches from the last scans, verified first")
    f.add_parser("show", help="one patch: diff and verification record").add_argument("id")
    ap = f.add_parser("apply", help="apply verified patches, as the autonomy policy allows")
    ap.add_argument("id", nargs="?", help="patch id (or --all-verified)")
    ap.add_argument("--all-verified", action="store_true")
    ap.add_argument("--approval", default="", help="approved queue id from `mamori approvals`")
    rb = f.add_parser("rollback", help="restore a file exactly as it was before an apply")
    rb.add_argument("action_id")
    rb.add_argument("--force", action="store_true", help="restore even if edited since")
    rb.add_argument("--approval", default="")
    for p in (ap, rb):
        p.add_argument("--yes", action="store_true", help="confirm the change (required)")
        p.add_argument("--policy", default=DEFAULT_POLICY, metavar="FILE")
        p.add_argument("--scope", metavar="FILE", help="scope file with asset classes")
        p.add_argument("--asset-class", help="asset class (overrides the scope's)")
        p.add_argument("--ledger", default=DEFAULT_LEDGER, metavar="DIR")
    for p in f.choices.values():
        p.add_argument("--fixes", default=DEFAULT_FIXES_DIR, metavar="DIR")


def run(args: argparse.Namespace, out: Console) -> int:
    """Dispatch ``mamori fix ACTION``."""
    fixes = FixStore(args.fixes)
    if args.fix_command == "list":
        out.print(patch_table(fixes.patches()))
        return 0
    if args.fix_command == "show":
        p = fixes.patch(args.id)
        out.print(f"patch {p.id} for {p.display_path}: {p.status.value}", highlight=False)
        for step in p.verification:
            out.print(f"  {step}", markup=False, highlight=False)
        out.print(p.diff, markup=False, highlight=False)
        return 0
    if not args.yes:
        raise ConfigError(f"fix {args.fix_command} changes files: add --yes to confirm")
    with Ledger.open(args.ledger) as ledger:
        gate = Gate(Policy.load(_policy(args.policy)), ledger)
        return (
            _apply(args, fixes, gate, out)
            if args.fix_command == "apply"
            else _rollback(args, fixes, gate, out)
        )


def _apply(args: argparse.Namespace, fixes: FixStore, gate: Gate, out: Console) -> int:
    if args.all_verified:
        ids = [p.id for p in fixes.patches() if p.status is PatchStatus.VERIFIED]
    elif args.id:
        ids = [args.id]
    else:
        raise ConfigError("name a patch id or use --all-verified")
    failed = 0
    for pid in ids:
        patch = fixes.patch(pid)
        asset = _asset_class(args, Path(patch.path))
        outcome = apply_patch(fixes, gate, pid, asset, approval=args.approval)
        out.print(outcome.message, markup=False, highlight=False)
        failed += not outcome.done
    return 1 if failed else 0


def _rollback(args: argparse.Namespace, fixes: FixStore, gate: Gate, out: Console) -> int:
    record = fixes.action(args.action_id)
    asset = _asset_class(args, Path(record.path))
    outcome = rollback(fixes, gate, record.id, asset, approval=args.approval, force=args.force)
    out.print(outcome.message, markup=False, highlight=False)
    return 0 if outcome.done else 1


def patch_table(patches: list[Patch]) -> Table:
    """A table of patches for the terminal."""
    table = Table("patch", "status", "file", "fixes", title="configuration patches")
    for p in patches:
        table.add_row(p.id, p.status.value, p.display_path, ", ".join(p.checks))
    return table


def _asset_class(args: argparse.Namespace, path: Path) -> str:
    if args.asset_class:
        return str(args.asset_class)
    if args.scope:
        return Scope.load(args.scope).asset_class(path)
    return UNCLASSIFIED


def _policy(path: str) -> str:
    if not Path(path).exists():
        raise ConfigError(
            f"no autonomy policy at {path}",
            hint="write one (see README 'Autonomy policy') or pass --policy FILE",
        )
    return path
