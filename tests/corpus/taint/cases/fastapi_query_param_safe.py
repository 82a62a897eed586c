# ruff: noqa
import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.get("/accounts/{account_id}")
def account(account_id: int):
    cur = sqlite3.connect("bank.db").cursor()
    cur.execute("SELECT * FROM accounts WHERE id = ?", (account_id,))  # safe: 89
    return cur.fetchone()
