from flask import Blueprint, current_app, jsonify, request
from flask_login import login_user

from portal.directory import Directory
from portal.models import StaffUser

bp = Blueprint("staff_auth", __name__)


def _directory():
    cfg = current_app.config
    return Directory(cfg["LDAP_URL"], cfg["LDAP_BIND_DN"], cfg["LDAP_BIND_PASSWORD"])


@bp.post("/staff/login")
def staff_login():
    uid = request.form["username"]
    directory = _directory()
    entry = directory.find_user(uid)
    if entry is None or not directory.check_password(entry.entry_dn, request.form["password"]):
        return jsonify(error="invalid credentials"), 401
    login_user(StaffUser(entry.entry_dn))
    return jsonify(ok=True)
