import ldap
from flask import Blueprint, current_app, jsonify, request
from flask_login import login_user

from portal import directory
from portal.models import StaffUser

bp = Blueprint("staff_auth", __name__)


@bp.post("/staff/login")
def staff_login():
    cfg = current_app.config
    conn = directory.open_connection(cfg["LDAP_URL"], cfg["LDAP_BIND_DN"], cfg["LDAP_BIND_PASSWORD"])
    found = directory.find_user(conn, request.form["username"])
    if found is None:
        return jsonify(error="invalid credentials"), 401
    dn, _attrs = found
    try:
        ldap.initialize(cfg["LDAP_URL"]).simple_bind_s(dn, request.form["password"])
    except ldap.INVALID_CREDENTIALS:
        return jsonify(error="invalid credentials"), 401
    login_user(StaffUser(dn))
    return jsonify(ok=True)
