# ruff: noqa
"""A database password written into the source (CWE-259)."""

DB_USER = "payments"
db_password = "Wint3r-Is-C0ming-42"  # vuln: B105


def connect(driver):
    return driver.connect(user=DB_USER, password="S3cond-Hardc0ded!")  # vuln: B106
