from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config.from_envvar("BANKAPP_SETTINGS")
    from app.views import transfers

    app.register_blueprint(transfers)
    return app
