"""Runtime configuration, read from the environment (see deploy/hisui.env.example).

Production values are injected by the deployment pipeline from the bank's vault; nothing
secret is kept in this repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} must be set")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the application reads at start-up."""

    secret_key: str
    database_dsn: str
    database_password: str
    aws_access_key_id: str
    aws_secret_access_key: str
    statements_bucket: str
    statement_dir: Path
    fx_feed_url: str
    ca_bundle: str
    jwt_signing_key: str
    jwt_audience: str


def load_settings() -> Settings:
    """Build the settings from the process environment; fail fast on missing values."""
    return Settings(
        secret_key=_require("HISUI_SECRET_KEY"),
        database_dsn=os.environ.get("HISUI_DB_DSN", "host=ledger-db.internal dbname=ledger"),
        database_password=os.environ["HISUI_DB_PASSWORD"],
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", ""),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        statements_bucket=os.environ.get("HISUI_STATEMENTS_BUCKET", "kawasemi-statements"),
        statement_dir=Path(os.environ.get("HISUI_STATEMENT_DIR", "/srv/hisui/statements")),
        fx_feed_url=os.environ.get("HISUI_FX_FEED", "https://fx.kawasemi-shinkin.example/v2"),
        ca_bundle=os.environ.get("HISUI_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt"),
        jwt_signing_key=_require("HISUI_JWT_KEY"),
        jwt_audience=os.environ.get("HISUI_JWT_AUDIENCE", "hisui-mobile"),
    )
