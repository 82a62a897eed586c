import argparse
import sys

from ledger.repo import LedgerRepository, connect


def main(argv=None):
    parser = argparse.ArgumentParser(prog="ledger-balances")
    parser.add_argument("--currency", default="EUR")
    parser.add_argument("--book", default="main")
    args = parser.parse_args(argv)
    repo = LedgerRepository(connect())
    for account, total in repo.balances(args.currency.upper(), args.book):
        print(f"{account:<20}{total:>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
