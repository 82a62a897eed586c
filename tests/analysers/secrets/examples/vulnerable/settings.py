# ruff: noqa
"""Payment service settings with credentials committed to the repository."""

AWS_ACCESS_KEY_ID = "AKIAZ3MSJV4WWNKWW5FG"
AWS_REGION = "eu-west-1"
SIGNING_SEED = "q8Zt3kP0vX7mR2nY5wB9cL4jH6fD1sG0aE8uI3oK"
