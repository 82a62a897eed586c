# ruff: noqa
from xml.dom import minidom
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = f"prefix-{data}"
    doc = minidom.parseString(v)  # sink: 611
    return None
