# ruff: noqa
import sqlite3
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.POST["q"]
    v = "prefix-" + data
    cur = sqlite3.connect("app.db").cursor()
    cur.execute(v)  # sink: 89
    return None
