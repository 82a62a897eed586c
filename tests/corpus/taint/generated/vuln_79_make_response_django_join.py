# ruff: noqa
from flask import make_response
import html
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    v = "-".join(["prefix", data])
    resp = make_response("<h1>" + v + "</h1>")  # sink: 79
    return None
