# ruff: noqa
import ldap
from ldap.filter import escape_filter_chars
from fastapi import FastAPI

app = FastAPI()

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


@app.get("/items/{data}")
def handler(data: str):
    data = data
    v = data
    conn = ldap.initialize("ldap://dir")
    res = conn.search_s("dc=bank", ldap.SCOPE_SUBTREE, "(uid=" + v + ")")  # sink: 90
    return None
