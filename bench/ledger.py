"""Benchmark: audit-ledger appends/s (batched and single) and proof times at 1M entries.

    .venv/bin/python bench/ledger.py [--entries 1000000] [--batch 10000]

Goals (issue 7): >= 10k appends/s batched; inclusion and consistency proofs < 5 ms at 1M.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time

from mamori.governance import merkle
from mamori.governance.ledger import Ledger


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--single", type=int, default=500)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="mamori-ledger-bench-") as tmp, Ledger.open(tmp) as led:
        start = time.perf_counter()
        done = 0
        while done < args.entries:
            n = min(args.batch, args.entries - done)
            led.append_many(
                [("fusion.decision", {"i": done + i, "fingerprint": f"{done + i:032x}"})
                 for i in range(n)]
            )  # fmt: skip
            done += n
        batched = done / (time.perf_counter() - start)
        start = time.perf_counter()
        for i in range(args.single):
            led.append("scan.run", {"i": i})
        single = args.single / (time.perf_counter() - start)
        size = led.size
        root = led.root()
        rng = random.Random(7)  # noqa: S311 - picks proof positions, not secrets
        inc, con = [], []
        for _ in range(200):
            idx = rng.randrange(size)
            t = time.perf_counter()
            proof = led.inclusion_proof(idx, size)
            inc.append(time.perf_counter() - t)
            assert merkle.verify_inclusion(led.leaf(idx), idx, size, proof, root)
            old = rng.randrange(1, size)
            t = time.perf_counter()
            cproof = led.consistency_proof(old, size)
            con.append(time.perf_counter() - t)
            assert merkle.verify_consistency(old, size, led.root(old), root, cproof)
        t = time.perf_counter()
        report = led.verify()
        verify_s = time.perf_counter() - t
    print(f"entries: {size:,}")
    print(f"batched appends/s (batch {args.batch:,}): {batched:,.0f}  (goal >= 10,000)")
    print(f"single appends/s (fsync + signed head each): {single:,.0f}")
    print(f"inclusion proof at {size:,}: median {statistics.median(inc) * 1e3:.3f} ms, "
          f"max {max(inc) * 1e3:.3f} ms  (goal < 5 ms)")  # fmt: skip
    print(f"consistency proof at {size:,}: median {statistics.median(con) * 1e3:.3f} ms, "
          f"max {max(con) * 1e3:.3f} ms  (goal < 5 ms)")  # fmt: skip
    print(f"full verify: {verify_s:.1f} s ({'ok' if report.ok else report.problems[:1]})")


if __name__ == "__main__":
    main()
