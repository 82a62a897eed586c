import sqlite3

from flask import Blueprint, current_app, jsonify, request

bp = Blueprint("statement_api", __name__)

SORT_COLUMNS = {
    "date": "booked_at",
    "amount": "amount",
    "payee": "counterparty_name",
}


def _connect():
    conn = sqlite3.connect(current_app.config["LEDGER_DB"])
    conn.row_factory = sqlite3.Row
    return conn


@bp.get("/api/statement-lines")
def statement_lines():
    account_no = request.args["account"]
    memo = request.args.get("memo", "")
    try:
        limit = min(int(request.args.get("limit", 50)), 500)
    except ValueError:
        return jsonify(error="limit must be a number"), 400
    order_by = SORT_COLUMNS.get(request.args.get("sort", "date"), "booked_at")

    sql = (
        "SELECT booked_at, amount, counterparty_name, memo FROM statement_lines "
        f"WHERE account_no = ? AND memo LIKE ? ORDER BY {order_by} DESC LIMIT ?"
    )
    with _connect() as conn:
        cur = conn.execute(sql, (account_no, f"%{memo}%", limit))  # safe: 89
        lines = [dict(row) for row in cur.fetchall()]
    return jsonify(account=account_no, lines=lines)
