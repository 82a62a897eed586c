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
    data = request.body
    v = f"prefix-{data}"
    page = render_template_string("<p>" + v + "</p>")  # sink: 79  # sink: 1336
    return None
