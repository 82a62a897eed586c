# ruff: noqa
import subprocess

import click


@click.command()
@click.option("--host")
def ping(host):
    subprocess.run(f"ping -c 1 {host}", shell=True)  # sink: 78
    subprocess.run(["ping", "-c", "1", host])  # safe: 78


@click.group()
def cli():
    pass


@cli.command()
@click.argument("name")
def greet(name):
    subprocess.run("echo hello", shell=True)  # safe: 78
    eval(name)  # sink: 95
