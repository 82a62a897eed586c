# ruff: noqa
from lxml import etree
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = ""
    for part in data.split(","):
        v = v + part
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(v, parser)  # sink: 611
    return None
