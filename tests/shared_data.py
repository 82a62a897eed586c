"""Where the shared test data lives: ``../shared/data`` beside the checkout (as in CI), or
``$MAMORI_SHARED_DATA``."""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA = Path(
    os.environ.get("MAMORI_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
