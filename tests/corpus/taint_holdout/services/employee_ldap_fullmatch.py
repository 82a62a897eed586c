import re

from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required
from ldap3 import Connection, Server

hr = Blueprint("hr", __name__)

EMPLOYEE_ID = re.compile(r"[A-Z]{2}\d{6}")
BASE_DN = "ou=employees,dc=examplebank,dc=net"


def find_employee(employee_id):
    if not EMPLOYEE_ID.fullmatch(employee_id):
        return None
    conn = Connection(
        Server(current_app.config["LDAP_URL"]),
        current_app.config["LDAP_BIND_DN"],
        current_app.config["LDAP_BIND_PASSWORD"],
        auto_bind=True,
    )
    conn.search(BASE_DN, f"(employeeNumber={employee_id})", attributes=["cn", "department"])  # safe: 90
    if not conn.entries:
        return None
    entry = conn.entries[0]
    return {"name": str(entry.cn), "department": str(entry.department)}


@hr.get("/hr/employee")
@login_required
def employee():
    found = find_employee(request.args.get("id", ""))
    if found is None:
        return jsonify(error="not found"), 404
    return jsonify(found)
