"""Rewrite the `mamori --help` block in README.md from the real parser (COLUMNS=100)."""

from __future__ import annotations

import os
import re
from pathlib import Path

os.environ["COLUMNS"] = "100"

from mamori.cli import build_parser  # noqa: E402

readme = Path(__file__).resolve().parents[1] / "README.md"
text = readme.read_text()
help_text = build_parser().format_help().strip()
block = f"```\n$ mamori --help\n{help_text}\n```"
new = re.sub(r"```\n\$ mamori --help\n.*?\n```", lambda _: block, text, count=1, flags=re.S)
readme.write_text(new)
print("README help block", "updated" if new != text else "unchanged")
