# ruff: noqa
import sys

import tools.shell as sh


def main():
    sh.run_command(sys.argv[1])
