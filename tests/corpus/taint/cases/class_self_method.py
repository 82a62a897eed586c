# ruff: noqa
import sqlite3

from flask import Flask, request

app = Flask(__name__)


class Repo:
    def __init__(self):
        self.conn = sqlite3.connect("bank.db")

    def by_name(self, name):
        return self._query("SELECT * FROM users WHERE name = '" + name + "'")

    def _query(self, sql):
        return self.conn.execute(sql)  # sink: 89


@app.route("/u")
def u():
    return Repo().by_name(request.args["name"])
