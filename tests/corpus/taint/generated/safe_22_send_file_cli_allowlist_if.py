# ruff: noqa
from flask import send_file
from werkzeug.utils import secure_filename
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
    resp = send_file(v)  # safe: 22
    return None
