# ruff: noqa
import pymysql
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    v = "fixed-value"
    if data in ALLOWED:
        v = data
    db = pymysql.connect()
    db.cursor().execute(v)  # safe: 89
    return None
