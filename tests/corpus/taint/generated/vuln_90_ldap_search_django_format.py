# ruff: noqa
import ldap
from ldap.filter import escape_filter_chars
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.META["HTTP_X_Q"]
    v = "prefix-{}".format(data)
    conn = ldap.initialize("ldap://dir")
    res = conn.search_s("dc=bank", ldap.SCOPE_SUBTREE, "(uid=" + v + ")")  # sink: 90
    return None
