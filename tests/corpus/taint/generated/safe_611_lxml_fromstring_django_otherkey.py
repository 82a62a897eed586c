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
    data = request.COOKIES.get("q")
    box = {"key": data, "other": "fixed-value"}
    v = box["other"]
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(v, parser)  # safe: 611
    return None
