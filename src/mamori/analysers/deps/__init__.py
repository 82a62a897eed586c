"""Dependency analysis: manifest parsers, the local OSV advisory database, and the analyser.

::

    parsers.py      requirements*.txt, pyproject.toml, poetry.lock, uv.lock, Pipfile.lock
    advisories.py   import/update the OSV database (SQLite), query it per package
    osv.py          OSV records, version matching, minimal upgrades
    analyser.py     DependencyAnalyser: pinned dependency x advisory -> Finding
"""
