import os

from flask import Blueprint, abort, request, send_file
from flask_login import current_user, login_required

archive = Blueprint("archive", __name__)

ARCHIVE = "/srv/statements"


def candidate_paths(customer_id, filename):
    folder = str(customer_id)
    return [
        os.path.join(ARCHIVE, "current", folder, filename),
        os.path.join(ARCHIVE, "cold", folder, filename),
    ]


@archive.get("/statements/file")
@login_required
def statement_file():
    name = request.args["name"]
    for path in candidate_paths(current_user.customer_id, name):
        if os.path.exists(path):
            return send_file(path, mimetype="application/pdf")  # sink: 22
    abort(404)
