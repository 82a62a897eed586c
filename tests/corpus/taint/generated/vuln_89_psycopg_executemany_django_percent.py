# ruff: noqa
import psycopg2
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.POST["q"]
    v = "prefix-%s" % data
    conn = psycopg2.connect("")
    conn.cursor().executemany(v, [])  # sink: 89
    return None
