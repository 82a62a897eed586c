"""Labelled examples for mamori.python.flask-debug-enabled (CWE-489)."""

import os

from flask import Flask

app = Flask(__name__)


def create_app():
    application = Flask(__name__)
    # ruleid: mamori.python.flask-debug-enabled
    application.config["DEBUG"] = True
    return application


def debug_attribute():
    # ruleid: mamori.python.flask-debug-enabled
    app.debug = True


def start():
    # ruleid: mamori.python.flask-debug-enabled
    app.run(host="127.0.0.1", debug=True)


def from_environment():
    # ok: mamori.python.flask-debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")


def explicitly_off():
    # ok: mamori.python.flask-debug-enabled
    app.run(debug=False)


class Worker:
    def run(self, debug):
        return debug


def not_flask():
    worker = Worker()
    # ok: mamori.python.flask-debug-enabled
    worker.run(debug=True)


if __name__ == "__main__":
    # ruleid: mamori.python.flask-debug-enabled
    create_app().run(host="127.0.0.1", port=8080, debug=True)
    # ok: mamori.python.flask-debug-enabled
    create_app().run(host="127.0.0.1", port=8080, debug=False)
