# ruff: noqa
from markupsafe import Markup, escape
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    v = ""
    for part in data.split(","):
        v = v + part
    html = Markup("<b>" + v + "</b>")  # sink: 79
    return None
