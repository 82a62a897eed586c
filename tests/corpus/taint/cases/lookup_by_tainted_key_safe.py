# ruff: noqa
import json
import sqlite3

from flask import Flask, request

app = Flask(__name__)
REPORTS = json.load(open("/srv/reports.json"))


class Catalogue:
    def __init__(self, path):
        self.queries = dict(json.load(open(path)))

    def run(self, name):
        sql = self.queries.get(name)
        return sqlite3.connect("bank.db").execute(sql)  # safe: 89


@app.route("/report")
def report():
    sql = REPORTS.get(request.args["name"], "SELECT 1")
    rows = sqlite3.connect("bank.db").execute(sql).fetchall()  # safe: 89
    return {"rows": rows, "more": Catalogue("/srv/q.json").run(request.args["name"]).fetchall()}


@app.route("/adhoc")
def adhoc():
    sql = request.args.get("sql", "SELECT 1")
    return {"rows": sqlite3.connect("bank.db").execute(sql).fetchall()}  # sink: 89
