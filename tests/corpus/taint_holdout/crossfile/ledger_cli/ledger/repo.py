import sqlite3


def connect(path="/var/lib/ledger/ledger.db"):
    return sqlite3.connect(path)


class LedgerRepository:
    def __init__(self, conn):
        self.conn = conn

    def balances(self, currency, book):
        sql = "SELECT account, SUM(amount) FROM entries WHERE currency = '%s' AND book = '%s' GROUP BY account"
        return self.conn.execute(sql % (currency, book)).fetchall()  # sink: 89
