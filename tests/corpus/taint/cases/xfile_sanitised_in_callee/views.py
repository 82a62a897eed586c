# ruff: noqa
from flask import Flask, request

from store import account

app = Flask(__name__)


@app.route("/acct")
def acct():
    return account(request.args.get("id"))
