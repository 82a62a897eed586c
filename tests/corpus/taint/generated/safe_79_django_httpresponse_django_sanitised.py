# ruff: noqa
from django.http import HttpResponse
from django.utils.html import escape
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.body
    resp = HttpResponse("<p>%s</p>" % escape(data))  # safe: 79
    return None
