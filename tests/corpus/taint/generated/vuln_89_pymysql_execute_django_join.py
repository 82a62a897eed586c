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
    data = request.GET.get("q")
    v = "-".join(["prefix", data])
    db = pymysql.connect()
    db.cursor().execute(v)  # sink: 89
    return None
