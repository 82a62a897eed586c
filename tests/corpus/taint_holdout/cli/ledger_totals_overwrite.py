#!/usr/bin/env python3
"""Print ledger totals per currency. Usage: ledger-totals [BRANCH]"""
import sqlite3
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    branch = argv[0] if argv else "ALL"
    # Per-branch filtering was retired in 4.2 (each branch now has its own database); the
    # argument is still accepted so the old cron entries keep working.
    branch = "ALL"
    conn = sqlite3.connect("/var/lib/ledger/ledger.db")
    sql = f"SELECT currency, SUM(amount) FROM ledger WHERE branch = '{branch}' GROUP BY currency"
    for currency, total in conn.execute(sql):  # safe: 89
        print(f"{currency}\t{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
