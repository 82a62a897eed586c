"""The fusion stage's contract: findings in, issues out, with the error it raises."""

from __future__ import annotations

from mamori.errors import FusionError

__all__ = ["FusionError"]
