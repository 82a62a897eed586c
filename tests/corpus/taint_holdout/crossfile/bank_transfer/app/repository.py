class TransferRepository:
    """Data access for the transfers table."""

    def __init__(self, db):
        self.db = db

    def find(self, account_id, counterparty):
        sql = (
            "SELECT id, amount, currency, counterparty, booked_at FROM transfers "
            "WHERE account_id = {} AND counterparty LIKE '{}%' ORDER BY booked_at DESC"
        ).format(account_id, counterparty)
        return self.db.execute(sql).fetchall()  # sink: 89
