# ruff: noqa
import ast
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
    if data in ALLOWED:
        v = data
    result = eval(v)  # safe: 95
    return None
