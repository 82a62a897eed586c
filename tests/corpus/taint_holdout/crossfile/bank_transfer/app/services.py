from app.repository import TransferRepository


class TransferService:
    def __init__(self, db):
        self.repo = TransferRepository(db)

    def recent_transfers(self, account_id, counterparty):
        rows = self.repo.find(account_id, counterparty.strip())
        return [
            {"id": r[0], "amount": str(r[1]), "currency": r[2], "counterparty": r[3]}
            for r in rows
        ]
