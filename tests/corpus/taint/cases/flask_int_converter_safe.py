# ruff: noqa
import sqlite3

from flask import Flask

app = Flask(__name__)


@app.get("/accounts/<int:account_id>/statement")
def statement(account_id):
    conn = sqlite3.connect("bank.db")
    return conn.execute(f"SELECT * FROM statements WHERE account = {account_id}").fetchall()  # safe: 89
