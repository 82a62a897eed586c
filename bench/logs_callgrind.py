"""Instructions, not seconds: the log line path measured under callgrind, for A/B of changes.

This VM's speed drifts by ±30 % from minute to minute, so two timed runs of the same code can
differ more than a change being judged. Instruction counts do not drift. This script writes the
line logs of ``bench/logs.py`` (``--lines`` each), reads every unit once to warm the caches and
plans, then reads them again (parse, match, and the pickle round trip of a worker's result)
inside ``sys.call_tracing``, which nothing else calls — so callgrind can count that part alone:

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=sys_call_tracing \\
        --callgrind-out-file=/tmp/cg.out .venv/bin/python bench/logs_callgrind.py
    grep totals /tmp/cg.out; callgrind_annotate /tmp/cg.out | head -40

Run the old code with ``PYTHONPATH=<old checkout>/src`` for the other side of the A/B.
Without valgrind it prints the seconds of the measured part (one process).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from logs import LINE_RULES, _write_lines  # noqa: E402 - bench/ is not a package

from mamori.analysers._gc import paused_gc  # noqa: E402
from mamori.analysers.logs import shards  # noqa: E402
from mamori.analysers.logs.analyser import load_pack  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=5000, help="lines per synthetic log")
    args = ap.parse_args()
    pack = load_pack(tuple(str(p) for p in LINE_RULES))
    with tempfile.TemporaryDirectory() as tmp:
        files = [(str(f), f.name) for f in _write_lines(Path(tmp), args.lines)]
        units, _ = shards._plan(files, 1 << 40)  # one unit per file
        shards._ENGINE, shards._KEEP = pack.engine, pack.keep
        shards._NUMBERS = {id(rule): n for n, rule in enumerate(pack.engine.rules)}

        def work() -> None:
            with paused_gc():
                for unit in units:
                    result = pickle.loads(pickle.dumps(shards._read(unit)))  # noqa: S301
                    shards._matches(pack.engine, unit, result)

        work()  # warm: memos, plans, stamp caches
        start = time.perf_counter()
        sys.call_tracing(work, ())
        print(f"{2 * args.lines} lines: {time.perf_counter() - start:.3f}s (measured part)")


if __name__ == "__main__":
    main()
