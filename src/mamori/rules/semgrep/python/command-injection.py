"""Labelled examples for mamori.python.command-injection (CWE-78)."""

import os
import shlex
import subprocess as sp
import sys
from os import system as run_shell
from subprocess import check_output

from flask import request


def fstring_shell(host):
    # ruleid: mamori.python.command-injection
    sp.run(f"ping -c 1 {host}", shell=True, check=False)


def aliased_system(path):
    command = "tar czf backup.tgz " + path
    # ruleid: mamori.python.command-injection
    run_shell(command)


def popen_format(user):
    # ruleid: mamori.python.command-injection
    return os.popen("id {}".format(user)).read()


def request_data():
    # ruleid: mamori.python.command-injection
    check_output(request.form["cmd"], shell=True)


def argv_keyword():
    # ruleid: mamori.python.command-injection
    sp.Popen(args=sys.argv[1], shell=True)


def literal(shell_ok):
    # ok: mamori.python.command-injection
    sp.run("ls -l /var/log", shell=True, check=False)


def quoted(host):
    # ok: mamori.python.command-injection
    sp.run(f"ping -c 1 {shlex.quote(host)}", shell=True, check=False)


def quoted_variable():
    target = shlex.quote(request.args["host"])
    # ok: mamori.python.command-injection
    os.system("ping -c 1 " + target)


def argument_list(host):
    # ok: mamori.python.command-injection
    sp.run(["ping", "-c", "1", host], check=False)


def shell_false(host):
    # ok: mamori.python.command-injection
    sp.run(f"ping -c 1 {host}", shell=False, check=False)
