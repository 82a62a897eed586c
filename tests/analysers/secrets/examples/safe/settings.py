# ruff: noqa
"""Settings that read every credential from the environment or a secret store."""

import os

AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
db_password = os.getenv("DB_PASSWORD")
api_token = secret_store.get("payments/api-token")
