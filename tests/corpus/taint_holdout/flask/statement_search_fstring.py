"""Statement search for the retail web-banking portal."""
import sqlite3

from flask import Blueprint, g, jsonify, request

statements = Blueprint("statements", __name__, url_prefix="/statements")

DB_PATH = "/var/lib/ledger/ledger.db"


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(DB_PATH)
        g.db.row_factory = sqlite3.Row
    return g.db


@statements.route("/search")
def search_statement_lines():
    account_no = request.args.get("account", "")
    memo = request.args.get("memo", "").strip()
    db = get_db()
    rows = db.execute(
        f"SELECT booked_at, amount, memo FROM statement_lines "
        f"WHERE account_no = '{account_no}' AND memo LIKE '%{memo}%' "  # sink: 89
        "ORDER BY booked_at DESC LIMIT 200"
    ).fetchall()
    return jsonify([dict(r) for r in rows])
