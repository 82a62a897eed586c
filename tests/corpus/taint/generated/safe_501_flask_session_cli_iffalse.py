# ruff: noqa
from flask import session
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = input()
    v = "fixed-value"
    if False:
        v = data
    session["user"] = v  # safe: 501
    return None
