import psycopg2
from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required

from ledger import queries

bp = Blueprint("ledger", __name__)


def _conn():
    return psycopg2.connect(current_app.config["LEDGER_DSN"])


@bp.get("/accounts/<int:account_id>/transfers")
@login_required
def transfers(account_id):
    with _conn() as conn:
        rows = queries.transfers_with(conn, account_id, request.args.get("counterparty", ""))
    return jsonify(rows)


@bp.get("/accounts/<int:account_id>/sent")
@login_required
def sent(account_id):
    with _conn() as conn:
        total = queries.total_sent(conn, account_id, request.args.get("currency", "EUR"))
    return jsonify(total=str(total))
