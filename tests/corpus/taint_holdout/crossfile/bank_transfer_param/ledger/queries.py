import psycopg2.extras

TRANSFERS_SQL = """
    SELECT id, amount, currency, counterparty, booked_at
    FROM transfers
    WHERE account_id = %s AND counterparty ILIKE %s
    ORDER BY booked_at DESC
    LIMIT %s
"""


def transfers_with(conn, account_id, counterparty, limit=100):
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(TRANSFERS_SQL, (account_id, counterparty + "%", limit))  # safe: 89
        return cur.fetchall()


def total_sent(conn, account_id, currency):
    with conn.cursor() as cur:
        cur.execute(  # safe: 89
            "SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE account_id = %(acct)s "
            "AND currency = %(ccy)s AND direction = 'out'",
            {"acct": account_id, "ccy": currency},
        )
        return cur.fetchone()[0]
