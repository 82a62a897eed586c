# ruff: noqa
import pickle
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
    obj = pickle.loads(v)  # safe: 502
    return None
