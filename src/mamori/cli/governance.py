"""``mamori audit …`` and ``mamori approvals …``: parse, call governance, print."""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from rich.console import Console

from mamori.errors import ConfigError
from mamori.governance.approvals import Gate
from mamori.governance.checkpoint import Checkpoint
from mamori.governance.keys import PublicKey
from mamori.governance.ledger import Ledger
from mamori.governance.policy import Policy
from mamori.governance.witness import Witness

DEFAULT_LEDGER = ".mamori/ledger"
"""Where the audit ledger and its keys live (relative to the current directory)."""
DEFAULT_POLICY = "mamori-policy.yaml"
"""The autonomy policy file read by approval commands."""

Handler = Callable[[argparse.Namespace, Console], int]


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the audit and approvals command groups."""
    audit = sub.add_parser("audit", help="verify, prove and witness the signed audit ledger")
    a = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = a.add_parser("verify", help="recompute and check the whole ledger")
    v.add_argument(
        "--expect",
        metavar="CHECKPOINT",
        help="a checkpoint seen earlier (catches rollbacks and forks)",
    )
    p = a.add_parser("prove", help="inclusion proof for an entry, or a consistency proof")
    p.add_argument("entry", nargs="?", type=int, help="entry index")
    p.add_argument("--from", dest="old", type=int, help="consistency proof from this size")
    a.add_parser("checkpoint", help="print the latest signed tree head")
    w = a.add_parser("witness", help="verify and co-sign another institution's checkpoint")
    w.add_argument("checkpoint", metavar="CHECKPOINT")
    w.add_argument("--proof", metavar="FILE", help="consistency proof JSON from the peer")
    t = a.add_parser("trust", help="trust a peer's public key for witnessing")
    t.add_argument("key", help="key text as printed by `mamori audit key`")
    a.add_parser("key", help="print this ledger's public key")
    a.add_parser("rotate-key", help="replace the signing key (old public key kept)")
    for parser in (v, p, a.choices["checkpoint"], w, t, a.choices["key"], a.choices["rotate-key"]):
        parser.add_argument("--ledger", default=DEFAULT_LEDGER, metavar="DIR")
    ap = sub.add_parser("approvals", help="list and decide actions waiting for approval")
    b = ap.add_subparsers(dest="approvals_command", metavar="ACTION", required=True)
    b.add_parser("list", help="pending and past actions").add_argument("--status")
    b.add_parser("show", help="one action").add_argument("id")
    for verb in ("approve", "reject"):
        q = b.add_parser(verb, help=f"{verb} a pending action")
        q.add_argument("id")
        q.add_argument("--by", required=True, help="approver identity")
        q.add_argument("--reason", required=True)
    for parser in b.choices.values():
        parser.add_argument("--ledger", default=DEFAULT_LEDGER, metavar="DIR")
        parser.add_argument("--policy", default=DEFAULT_POLICY, metavar="FILE")


def audit(args: argparse.Namespace, out: Console) -> int:
    """Dispatch ``mamori audit ACTION``."""
    with Ledger.open(args.ledger) as ledger:
        return _AUDIT[args.audit_command](args, ledger, out)


def _verify(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    expect = _checkpoint_file(args.expect) if args.expect else None
    report = ledger.verify(expect=expect)
    if report.ok:
        out.print(f"ledger OK: {report.size} entries, {report.heads} signed heads verified")
        return 0
    for problem in report.problems:
        out.print(f"[red]TAMPERED[/]: {problem}", highlight=False)
    return 1


def _prove(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    size = ledger.size
    if args.old is not None:
        proof = ledger.consistency_proof(args.old, size)
        doc = {"type": "consistency", "old_size": args.old, "new_size": size}
    elif args.entry is not None:
        proof = ledger.inclusion_proof(args.entry, size)
        doc = {
            "type": "inclusion",
            "index": args.entry,
            "tree_size": size,
            "leaf_hash": _b64(ledger.leaf(args.entry)),
        }
    else:
        raise ConfigError("name an entry index, or --from SIZE for a consistency proof")
    doc |= {"root": _b64(ledger.root(size)), "proof": [_b64(h) for h in proof]}
    out.print_json(json.dumps(doc))
    return 0


def _checkpoint(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    cp = ledger.latest_checkpoint()
    if cp is None:
        raise ConfigError("the ledger is empty; nothing to checkpoint yet")
    out.print(cp.text(), end="", markup=False, highlight=False)
    return 0


def _witness(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    cp = _checkpoint_file(args.checkpoint)
    proof = []
    if args.proof:
        proof = [base64.b64decode(h) for h in json.loads(_read(args.proof))["proof"]]
    result = Witness(ledger.connection, ledger.keys).witness(cp, proof)
    ledger.append("witness.cosign", {"origin": cp.origin, "size": cp.size, "root": _b64(cp.root)})
    out.print(result.cosigned.text(), end="", markup=False, highlight=False)
    return 0


def _trust(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    key = PublicKey.decode(args.key)
    path = ledger.keys.trust_peer(key)
    ledger.append("witness.trust", {"key": key.encode()})
    out.print(f"trusting {key.name} ({key.id.hex()}): {path}")
    return 0


def _key(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    out.print(ledger.keys.public.encode(), markup=False, highlight=False)
    return 0


def _rotate(args: argparse.Namespace, ledger: Ledger, out: Console) -> int:
    old = ledger.keys.public
    new = ledger.keys.rotate()
    ledger.append("key.rotate", {"old": old.encode(), "new": new.encode()})
    out.print(f"rotated: {old.id.hex()} → {new.id.hex()} (old public key kept for verification)")
    return 0


_AUDIT: dict[str, Callable[[argparse.Namespace, Ledger, Console], int]] = {
    "verify": _verify,
    "prove": _prove,
    "checkpoint": _checkpoint,
    "witness": _witness,
    "trust": _trust,
    "key": _key,
    "rotate-key": _rotate,
}


def approvals(args: argparse.Namespace, out: Console) -> int:
    """Dispatch ``mamori approvals ACTION``."""
    with Ledger.open(args.ledger) as ledger:
        gate = Gate(Policy.load(args.policy), ledger)
        cmd = args.approvals_command
        if cmd == "list":
            for a in gate.list(args.status):
                out.print(
                    f"{a.id}  {a.status:<9} {a.request.action} on {a.request.asset_class} "
                    f"({sum(v.approve for v in a.votes)}/{a.needed})",
                    highlight=False,
                )
            return 0
        if cmd == "show":
            a = gate.get(args.id)
            out.print_json(json.dumps(asdict(a)))
            return 0
        updated = gate.vote(args.id, args.by, approve=cmd == "approve", reason=args.reason)
        out.print(f"{updated.id}: {updated.status}")
        return 0


def _checkpoint_file(path: str) -> Checkpoint:
    try:
        return Checkpoint.parse(_read(path))
    except ValueError as e:
        raise ConfigError(f"{path} is not a valid checkpoint: {e}") from e


def _read(path_or_dash: str) -> str:
    try:
        return Path(path_or_dash).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read {path_or_dash}: {e.strerror}") from e


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()
