"""Local overrides for the statements batch job on the ops jump host.

Copied from the ops wiki in 2019 so that the nightly statement upload to S3 works without
the vault agent. TODO(ops-1432): move these to the vault and delete this file.

NOTE for readers of the Mamori demo: every value below is fake and well-formed on purpose.
"""

from __future__ import annotations

import os

from app.settings import Settings, load_settings

AWS_REGION = "ap-northeast-1"
AWS_ACCESS_KEY_ID = "AKIAKAWASEMI2EXAMPLE"
AWS_SECRET_ACCESS_KEY = "kWsm7Qx2/HisuiDemo+R8tVb3YzAc9DfGhLpN4eT"
STATEMENTS_BUCKET = "kawasemi-statements-prod"

LEDGER_DB_USER = "hisui_batch"
LEDGER_DB_PASSWORD = "Kingfisher#2019!"


def batch_settings() -> Settings:
    """Settings for the nightly batch: the environment first, then the overrides above."""
    base = load_settings()
    return Settings(
        secret_key=base.secret_key,
        database_dsn=f"{base.database_dsn} user={LEDGER_DB_USER}",
        database_password=os.environ.get("HISUI_DB_PASSWORD", LEDGER_DB_PASSWORD),
        aws_access_key_id=AWS_ACCESS_KEY_ID,
        aws_secret_access_key=AWS_SECRET_ACCESS_KEY,
        statements_bucket=STATEMENTS_BUCKET,
        statement_dir=base.statement_dir,
        fx_feed_url=base.fx_feed_url,
        ca_bundle=base.ca_bundle,
        jwt_signing_key=base.jwt_signing_key,
        jwt_audience=base.jwt_audience,
    )
