# ruff: noqa
import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, request

app = Flask(__name__)

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


@app.route("/run", methods=["POST"])
def handler():
    data = request.get_json()
    v = f"prefix-{data}"
    conn = ldap.initialize("ldap://dir")
    res = conn.search_s("dc=bank", ldap.SCOPE_SUBTREE, "(uid=" + v + ")")  # sink: 90
    return None
