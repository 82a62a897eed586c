"""Labelled examples for mamori.python.sql-injection (CWE-89)."""

import sqlite3

import sqlalchemy
from django.db import connection
from flask import request
from sqlalchemy import text as sql_text

TABLE = "accounts"


def by_fstring(cur, account_id):
    # ruleid: mamori.python.sql-injection
    cur.execute(f"SELECT * FROM accounts WHERE id = {account_id}")


def by_percent(cur, name):
    query = "SELECT * FROM users WHERE name = '%s'" % name
    # ruleid: mamori.python.sql-injection
    cur.execute(query)


def by_concat_many(conn, owner):
    sql = "DELETE FROM t WHERE owner = '" + owner + "'"
    # ruleid: mamori.python.sql-injection
    conn.cursor().executemany(sql, [])


def by_format_keyword(engine, iban):
    stmt = "SELECT * FROM tx WHERE iban = '{iban}'".format(iban=iban)
    with engine.connect() as conn:
        # ruleid: mamori.python.sql-injection
        conn.execute(sql_text(stmt))


def sqlalchemy_text(session, col):
    # ruleid: mamori.python.sql-injection
    return session.execute(sqlalchemy.text("SELECT " + col + " FROM t"))


def django_raw(Account):
    term = request.args.get("q")
    # ruleid: mamori.python.sql-injection
    return Account.objects.raw("SELECT * FROM acc WHERE name LIKE '%%%s%%'" % term)


def request_data_directly():
    with connection.cursor() as cursor:
        # ruleid: mamori.python.sql-injection
        cursor.execute(request.args["query"])


def parameterised(cur, account_id):
    # ok: mamori.python.sql-injection
    cur.execute("SELECT * FROM accounts WHERE id = %s", (account_id,))


def parameterised_named(session, iban):
    # ok: mamori.python.sql-injection
    session.execute(sqlalchemy.text("SELECT * FROM tx WHERE iban = :iban"), {"iban": iban})


def literal_only(cur):
    query = "SELECT * " + "FROM accounts"
    # ok: mamori.python.sql-injection
    cur.execute(query)


def constant_table(cur, account_id):
    # ok: mamori.python.sql-injection
    cur.execute(f"SELECT * FROM {TABLE} WHERE id = ?", (account_id,))


def integer_cast(cur, limit):
    # ok: mamori.python.sql-injection
    cur.execute("SELECT * FROM accounts LIMIT %d" % int(limit))


def optional_filter(db, kind):
    sql = "SELECT idx, body FROM entries"
    # ok: mamori.python.sql-injection
    return db.execute(sql + (" WHERE kind = ?" if kind else "") + " ORDER BY idx", (kind,))


def log_only(logger, name):
    message = f"looking up {name}"
    # ok: mamori.python.sql-injection
    logger.info(message)
    return sqlite3.connect(":memory:")
