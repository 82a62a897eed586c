#!/usr/bin/env python3
"""Nightly reconciliation check: reconcile.py SETTLEMENT_DATE [SCHEME]"""
import sqlite3
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    day = sys.argv[1]
    scheme = sys.argv[2] if len(sys.argv) > 2 else "SEPA"
    conn = sqlite3.connect("/var/lib/recon/recon.db")
    cur = conn.cursor()
    cur.execute(
        "SELECT count(*), sum(amount_cents) FROM settlements "
        "WHERE value_date = '%s' AND scheme = '%s'" % (day, scheme)  # sink: 89
    )
    count, cents = cur.fetchone()
    print(f"{day} {scheme}: {count} settlements, {(cents or 0) / 100:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
