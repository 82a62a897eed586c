"""Data access for the core ledger database (PostgreSQL through psycopg2)."""
