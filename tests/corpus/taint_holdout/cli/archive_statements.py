#!/usr/bin/env python3
"""Archive a customer's monthly statements (run by the back-office job runner)."""
import argparse
import os
import sys


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("account", help="account number as typed by the operator")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    archive = f"/srv/archive/statements-{args.month}.tar.gz"
    rc = os.system(f"tar czf {archive} -C /srv/statements {args.account}")  # sink: 78
    if rc != 0:
        print("archiving failed", file=sys.stderr)
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
