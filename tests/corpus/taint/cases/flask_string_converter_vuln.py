# ruff: noqa
import sqlite3

from flask import Flask

app = Flask(__name__)


@app.get("/branches/<branch_code>/accounts")
def accounts(branch_code):
    conn = sqlite3.connect("bank.db")
    return conn.execute(f"SELECT * FROM accounts WHERE branch = '{branch_code}'").fetchall()  # sink: 89
