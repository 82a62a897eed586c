# ruff: noqa
from .codec import load_profile

__all__ = ["load_profile"]
