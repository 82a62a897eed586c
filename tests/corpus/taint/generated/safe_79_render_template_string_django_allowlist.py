# ruff: noqa
from flask import render_template_string
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
    v = data
    if v not in ALLOWED:
        raise ValueError("not allowed")
    page = render_template_string("<p>" + v + "</p>")  # safe: 79  # safe: 1336
    return None
