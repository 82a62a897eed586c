"""Builds the one C extension, ``_mamori_speedups`` (see its source for what it does)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "_mamori_speedups",
            ["_mamori_speedups.c"],
            extra_compile_args=["-Wall", "-Wextra", "-Wno-unused-parameter"],
        )
    ],
    py_modules=[],
)
