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
    box = {"key": data, "other": "fixed"}
    v = box["key"]
    tree = etree.parse("accounts.xml")
    nodes = tree.xpath("//user[@name='" + v + "']")  # sink: 643
    return None
