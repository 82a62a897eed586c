# ruff: noqa
import os
import shlex
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
    out = os.popen(v)  # safe: 78
    return None
