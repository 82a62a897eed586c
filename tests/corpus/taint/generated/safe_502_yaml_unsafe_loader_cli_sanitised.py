# ruff: noqa
import yaml
import sys

import uuid

ALLOWED = {"alpha", "beta"}


def build(x):
    return "prefix-" + x


def constant_of(x):
    return "fixed-value"


def main():
    data = sys.argv[1]
    obj = yaml.safe_load(data)  # safe: 502
    return None
