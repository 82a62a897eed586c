"""Labelled examples for mamori.python.yaml-unsafe-load (CWE-502)."""

import yaml
from yaml import load as yaml_load

_LOADER = yaml.BaseLoader


def default_loader(text):
    # ruleid: mamori.python.yaml-unsafe-load
    return yaml.load(text)


def explicit_unsafe(text):
    # ruleid: mamori.python.yaml-unsafe-load
    return yaml.load(text, Loader=yaml.Loader)


def aliased(stream):
    # ruleid: mamori.python.yaml-unsafe-load
    return yaml_load(stream, Loader=yaml.UnsafeLoader)


def full(text):
    # ruleid: mamori.python.yaml-unsafe-load
    return yaml.full_load(text)


def positional_full(text):
    # ruleid: mamori.python.yaml-unsafe-load
    return yaml.load_all(text, yaml.FullLoader)


def safe_function(text):
    # ok: mamori.python.yaml-unsafe-load
    return yaml.safe_load(text)


def safe_loader(text):
    # ok: mamori.python.yaml-unsafe-load
    return yaml.load(text, Loader=yaml.SafeLoader)


def c_safe_loader_positional(text):
    # ok: mamori.python.yaml-unsafe-load
    return yaml.load(text, yaml.CSafeLoader)


def loader_constant(text):
    # ok: mamori.python.yaml-unsafe-load
    return yaml.load(text, Loader=_LOADER)
