# ruff: noqa
import requests
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    v = "-".join(["prefix", data])
    resp = requests.get(v)  # sink: 918
    return None
