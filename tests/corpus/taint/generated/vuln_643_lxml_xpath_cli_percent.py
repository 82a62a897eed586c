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
    v = "prefix-%s" % data
    tree = etree.parse("accounts.xml")
    nodes = tree.xpath("//user[@name='" + v + "']")  # sink: 643
    return None
