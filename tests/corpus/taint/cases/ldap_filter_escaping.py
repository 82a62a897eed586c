# ruff: noqa
import ldap
from flask import Flask, jsonify, request
from ldap.filter import escape_filter_chars, filter_format
from ldap3 import Connection, Server
from ldap3.utils.conv import escape_filter_chars as escape3

app = Flask(__name__)
BASE = "ou=people,dc=bank,dc=example"


@app.route("/people")
def people():
    uid = request.args["uid"]
    conn = ldap.initialize("ldap://dir.example")
    found = conn.search_s(BASE, ldap.SCOPE_SUBTREE, filter_format("(uid=%s)", [uid]))  # safe: 90
    return jsonify(count=len(found))


@app.route("/people2")
def people2():
    uid = request.args["uid"]
    mail = request.args["mail"]
    query = filter_format("(&(uid=%s)(mail=%s))", (uid, mail))
    conn = ldap.initialize("ldap://dir.example")
    found = conn.search_s(BASE, ldap.SCOPE_SUBTREE, query)  # safe: 90
    return jsonify(count=len(found))


@app.route("/people3")
def people3():
    uid = request.args["uid"]
    mail = request.args["mail"]
    query = filter_format("(uid=%s)", [uid])
    conn = ldap.initialize("ldap://dir.example")
    found = conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(|" + query + "(mail=" + mail + "))")  # sink: 90
    return jsonify(count=len(found))


@app.route("/people4")
def people4():
    cn = request.args["cn"]
    conn = ldap.initialize("ldap://dir.example")
    found = conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(cn=%s)" % escape_filter_chars(cn))  # safe: 90
    return jsonify(count=len(found))


@app.route("/groups")
def groups():
    name = request.args["group"]
    conn = Connection(Server("ldap://dir.example"), auto_bind=True)
    conn.search(BASE, f"(cn={escape3(name)})")  # safe: 90
    return jsonify(count=len(conn.entries))


@app.route("/groups2")
def groups2():
    name = request.args["group"]
    conn = Connection(Server("ldap://dir.example"), auto_bind=True)
    conn.search(BASE, f"(cn={name})")  # sink: 90
    return jsonify(count=len(conn.entries))
