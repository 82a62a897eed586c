from flask import session

PREFIX = "pref_"


def remember_preference(key, value):
    session[PREFIX + key] = value  # sink: 501
    session.permanent = True


def preference(key, default=None):
    return session.get(PREFIX + key, default)
