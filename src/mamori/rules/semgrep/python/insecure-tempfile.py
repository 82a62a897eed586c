"""Labelled examples for mamori.python.insecure-tempfile (CWE-377)."""

import tempfile
from tempfile import mktemp


def racy_name():
    # ruleid: mamori.python.insecure-tempfile
    path = tempfile.mktemp(suffix=".csv")
    return open(path, "w")


def imported():
    # ruleid: mamori.python.insecure-tempfile
    return mktemp()


def safe_handle():
    # ok: mamori.python.insecure-tempfile
    fd, path = tempfile.mkstemp(suffix=".csv")
    return fd, path


def safe_named():
    # ok: mamori.python.insecure-tempfile
    return tempfile.NamedTemporaryFile(delete=False)
