# ruff: noqa
import pickle


def load_profile(blob):
    return pickle.loads(blob)  # sink: 502
