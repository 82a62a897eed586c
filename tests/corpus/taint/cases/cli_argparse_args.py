# ruff: noqa
import argparse
import os
import shlex
import subprocess


def main():
    parser = argparse.ArgumentParser(description="archive statements")
    parser.add_argument("--out")
    parser.add_argument("--month", type=int)
    args = parser.parse_args()
    os.system("tar czf " + args.out + " statements/")  # sink: 78
    os.system("tar czf " + shlex.quote(args.out) + " statements/")  # safe: 78
    subprocess.run(["tar", "czf", args.out, "statements/"], check=True)  # safe: 78
