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
    data = input()
    v = data
    if v not in ALLOWED:
        raise ValueError("not allowed")
    doc = minidom.parseString(v)  # safe: 611
    return None
