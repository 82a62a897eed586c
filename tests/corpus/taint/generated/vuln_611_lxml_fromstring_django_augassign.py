# ruff: noqa
from lxml import etree
from django.http import JsonResponse

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def view(request):
    data = request.META["HTTP_X_Q"]
    v = "prefix-"
    v += data
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(v, parser)  # sink: 611
    return None
