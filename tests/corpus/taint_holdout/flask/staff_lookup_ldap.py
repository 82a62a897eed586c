import os

import ldap
from flask import Blueprint, jsonify, request
from flask_login import login_required

staff = Blueprint("staff", __name__)

LDAP_URI = "ldaps://ldap.corp.examplebank.net"
BASE_DN = "ou=people,dc=examplebank,dc=net"


@staff.get("/staff/lookup")
@login_required
def staff_lookup():
    email = request.args.get("email", "")
    conn = ldap.initialize(LDAP_URI)
    conn.simple_bind_s(os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PW"])
    try:
        results = conn.search_s(
            BASE_DN,
            ldap.SCOPE_SUBTREE,
            f"(&(objectClass=inetOrgPerson)(mail={email}))",  # sink: 90
            ["cn", "telephoneNumber"],
        )
    finally:
        conn.unbind_s()
    people = [
        {"cn": attrs["cn"][0].decode(), "phone": attrs.get("telephoneNumber", [b""])[0].decode()}
        for _dn, attrs in results
    ]
    return jsonify(people)
