# ruff: noqa
import os


def main():
    os.system(input())  # sink: 78
