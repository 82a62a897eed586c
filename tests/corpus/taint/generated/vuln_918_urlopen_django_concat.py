# ruff: noqa
import urllib.request
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.COOKIES.get("q")
    v = "prefix-" + data
    resp = urllib.request.urlopen(v)  # sink: 918
    return None
