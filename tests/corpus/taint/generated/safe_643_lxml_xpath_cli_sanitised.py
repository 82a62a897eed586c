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
    tree = etree.parse("accounts.xml")
    nodes = tree.xpath("//user[@name=$n]", n=data)  # safe: 643
    return None
