# ruff: noqa
import sqlite3

from flask import Flask, request

app = Flask(__name__)


class Ledger:
    def __init__(self, path):
        self.db = sqlite3.connect(path)

    def entries_for(self, account):
        return self.db.execute("SELECT * FROM entries WHERE account = " + str(account))  # safe: 89


def open_ledger():
    return Ledger("ledger.db")


@app.route("/entries")
def entries():
    ledger = open_ledger()
    return {"rows": ledger.entries_for(int(request.args["account"])).fetchall()}
