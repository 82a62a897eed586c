"""Builds the one C extension, ``_mamori_speedups`` (``src/speedups.h`` says what it does)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "_mamori_speedups",
            [f"src/{name}.c" for name in ("module", "access", "syslog", "authlog", "columns", "pack")],
            depends=["src/speedups.h"],
            extra_compile_args=["-Wall", "-Wextra", "-Wno-unused-parameter"],
        )
    ],
    py_modules=[],
)
