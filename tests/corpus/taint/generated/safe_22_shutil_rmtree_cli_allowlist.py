# ruff: noqa
import shutil
import os
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
    shutil.rmtree(v)  # safe: 22
    return None
