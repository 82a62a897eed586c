# ruff: noqa
import sqlite3


def find_user(name):
    query = "SELECT * FROM users WHERE name = '%s'" % name
    return _run(query)


def _run(sql):
    return sqlite3.connect("bank.db").execute(sql)  # sink: 89
