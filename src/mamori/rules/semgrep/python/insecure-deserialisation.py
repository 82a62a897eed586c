"""Labelled examples for mamori.python.insecure-deserialisation (CWE-502)."""

import json
import marshal
import pickle as pk
import shelve
from pickle import loads

import jsonpickle
import pandas as pd


def from_bytes(data):
    # ruleid: mamori.python.insecure-deserialisation
    return pk.loads(data)


def from_file(fh):
    # ruleid: mamori.python.insecure-deserialisation
    return pk.load(fh)


def imported_name(blob):
    # ruleid: mamori.python.insecure-deserialisation
    return loads(blob)


def code_objects(blob):
    # ruleid: mamori.python.insecure-deserialisation
    return marshal.loads(blob)


def shelf(path):
    # ruleid: mamori.python.insecure-deserialisation
    return shelve.open(path)


def json_pickle(text):
    # ruleid: mamori.python.insecure-deserialisation
    return jsonpickle.decode(text)


def frame(path):
    # ruleid: mamori.python.insecure-deserialisation
    return pd.read_pickle(path)


def plain_json(text):
    # ok: mamori.python.insecure-deserialisation
    return json.loads(text)


def serialise_only(obj):
    # ok: mamori.python.insecure-deserialisation
    return pk.dumps(obj)
