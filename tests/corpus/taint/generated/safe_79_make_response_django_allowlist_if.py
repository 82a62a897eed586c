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
    data = request.META["HTTP_X_Q"]
    v = "fixed-value"
    if data in ALLOWED:
        v = data
    resp = make_response("<h1>" + v + "</h1>")  # safe: 79
    return None
