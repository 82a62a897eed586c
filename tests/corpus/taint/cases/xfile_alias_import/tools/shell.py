# ruff: noqa
import subprocess


def run_command(cmd):
    return subprocess.check_output(cmd, shell=True)  # sink: 78
