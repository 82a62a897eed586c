"""Kawasemi Shinkin Bank — online payments service (internal code name "Hisui").

A small Flask application used by retail customers to view accounts, download monthly
statements and send domestic transfers, plus a handful of back-office screens.
"""
