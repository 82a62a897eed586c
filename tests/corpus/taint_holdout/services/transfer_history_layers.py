import psycopg2
from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required

bp = Blueprint("transfers", __name__)


class TransferRepository:
    def __init__(self, conn):
        self.conn = conn

    def by_counterparty(self, account_id, iban):
        query = (
            "SELECT id, amount, booked_at FROM transfers "
            "WHERE account_id = %s AND counterparty_iban = '%s'" % (account_id, iban)
        )
        with self.conn.cursor() as cur:
            cur.execute(query)  # sink: 89
            return cur.fetchall()


class TransferService:
    def __init__(self, repo):
        self.repo = repo

    def history_with(self, account_id, iban):
        normalised = iban.replace(" ", "").upper()
        return [self._to_dict(row) for row in self.repo.by_counterparty(account_id, normalised)]

    @staticmethod
    def _to_dict(row):
        return {"id": row[0], "amount": str(row[1]), "booked_at": row[2].isoformat()}


@bp.get("/accounts/<int:account_id>/transfers")
@login_required
def transfers(account_id):
    conn = psycopg2.connect(current_app.config["LEDGER_DSN"])
    try:
        service = TransferService(TransferRepository(conn))
        return jsonify(service.history_with(account_id, request.args.get("iban", "")))
    finally:
        conn.close()
