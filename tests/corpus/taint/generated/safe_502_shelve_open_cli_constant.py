# ruff: noqa
import shelve
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
    db = shelve.open(v)  # safe: 502
    return None
