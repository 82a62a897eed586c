import subprocess

from flask import Blueprint, jsonify, request
from flask_security import roles_required

ops = Blueprint("ops", __name__, url_prefix="/ops")

KNOWN_HOSTS = {"db-primary": "up", "db-replica": "up", "mq-1": "degraded"}


@ops.get("/diagnostics")
@roles_required("sre")
def diagnostics():
    host = request.args.get("host", "db-primary")
    if False:  # legacy nslookup hook, disabled after pentest finding PT-2291
        output = subprocess.check_output(f"nslookup {host}", shell=True)  # safe: 78
        return jsonify(output=output.decode())
    return jsonify(host=host, status=KNOWN_HOSTS.get(host, "unknown"))
