"""Operational tasks triggered from the back-office console."""
