# ruff: noqa
from sqlalchemy import text
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = input()
    box = {"key": data, "other": "fixed-value"}
    v = box["other"]
    stmt = text(v)  # safe: 89
    return None
