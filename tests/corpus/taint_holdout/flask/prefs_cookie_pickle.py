import base64
import pickle

from flask import Blueprint, g, request

prefs = Blueprint("prefs", __name__)

DEFAULT_PREFS = {"language": "en", "currency": "EUR", "compact": False}


@prefs.before_app_request
def load_preferences():
    g.prefs = dict(DEFAULT_PREFS)
    blob = request.cookies.get("prefs")
    if not blob:
        return
    try:
        g.prefs.update(pickle.loads(base64.urlsafe_b64decode(blob)))  # sink: 502
    except Exception:
        g.prefs = dict(DEFAULT_PREFS)
