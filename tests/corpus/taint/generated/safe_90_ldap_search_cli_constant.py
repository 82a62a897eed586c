# ruff: noqa
import ldap
from ldap.filter import escape_filter_chars
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = input()
    v = "fixed-value"
    conn = ldap.initialize("ldap://dir")
    res = conn.search_s("dc=bank", ldap.SCOPE_SUBTREE, "(uid=" + v + ")")  # safe: 90
    return None
