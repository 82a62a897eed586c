"""Application factory for the Hisui payments service."""

from __future__ import annotations

import logging

from flask import Flask, jsonify

from app import db
from app.settings import Settings, load_settings
from app.web import admin, auth, callbacks, payments, statements

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask application; settings come from the environment by default."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        HISUI=settings,
    )
    db.configure(settings)
    for blueprint in (auth.bp, payments.bp, statements.bp, admin.bp, callbacks.bp):
        app.register_blueprint(blueprint)
    _register_error_handlers(app)
    return app


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_e: Exception):
        return jsonify(error="not found"), 404

    @app.errorhandler(500)
    def server_error(_e: Exception):
        log.exception("unhandled error")
        return jsonify(error="internal error"), 500


def create_demo_app() -> Flask:
    """The application for the branch-staff training laptop (no vault, demo data only)."""
    app = create_app()
    app.config["SECRET_KEY"] = "hisui-training-2019-kingfisher"
    return app


if __name__ == "__main__":
    create_demo_app().run(host="127.0.0.1", port=8080, debug=True)
