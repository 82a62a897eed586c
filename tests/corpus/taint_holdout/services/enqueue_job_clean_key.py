import json
import os
import subprocess

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

jobs = Blueprint("jobs", __name__)

QUEUECTL = "/usr/local/bin/queuectl"


@jobs.post("/statements/request")
@login_required
def request_statement():
    job = {
        "queue": "statements",
        "priority": "normal",
        "account": request.form["account"],
        "period": request.form.get("period", "last-month"),
        "requested_by": current_user.email,
    }
    # the job body (with the customer's input) goes through stdin, never through a shell
    subprocess.run(
        [QUEUECTL, "push", "--queue", job["queue"]], input=json.dumps(job).encode(), check=True
    )
    os.system(f"{QUEUECTL} wake {job['queue']} --priority {job['priority']}")  # safe: 78
    return jsonify(queued=True)
