#!/usr/bin/env python3
"""Search the compressed payment-gateway logs: paylog-grep PATTERN [LINES]"""
import shlex
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    pattern = sys.argv[1]
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    # a shell is needed for the glob and the pipe; the pattern is quoted and follows "--"
    cmd = f"zcat /var/log/payments/*.gz | grep -- {shlex.quote(pattern)} | tail -n {lines}"
    return subprocess.run(cmd, shell=True).returncode  # safe: 78


if __name__ == "__main__":
    sys.exit(main())
