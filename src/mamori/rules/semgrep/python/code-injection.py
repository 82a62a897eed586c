"""Labelled examples for mamori.python.code-injection (CWE-95)."""

import ast
import builtins

from flask import request


def evaluate_request():
    expression = request.args.get("expr")
    # ruleid: mamori.python.code-injection
    return eval(expression)


def run_code(source):
    # ruleid: mamori.python.code-injection
    exec(source, {})


def via_builtins(text):
    # ruleid: mamori.python.code-injection
    return builtins.eval("1 + " + text)


def literal():
    # ok: mamori.python.code-injection
    return eval("1 + 2")


def safe_parser(text):
    # ok: mamori.python.code-injection
    return ast.literal_eval(text)
