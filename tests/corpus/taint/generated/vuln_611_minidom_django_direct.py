# ruff: noqa
from xml.dom import minidom
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
    doc = minidom.parseString(v)  # sink: 611
    return None
