# ruff: noqa
import sqlite3


def account(raw_id):
    ident = int(raw_id)
    return sqlite3.connect("b.db").execute("SELECT * FROM a WHERE id = %d" % ident)  # safe: 89
