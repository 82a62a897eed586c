"""Labelled examples for mamori.python.xss (CWE-79)."""

from django.utils.safestring import mark_safe
from flask import Flask, render_template_string, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: mamori.python.xss
    return render_template_string("<h1>Hello " + name + "</h1>")


@app.route("/note")
def note():
    # ruleid: mamori.python.xss
    return Markup(f"<p>{request.form['note']}</p>")


def django_view(request):
    # ruleid: mamori.python.xss
    return mark_safe("<b>%s</b>" % request.GET["q"])


@app.route("/safe-hello")
def safe_hello():
    name = request.args.get("name", "")
    # ok: mamori.python.xss
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)


@app.route("/escaped")
def escaped():
    # ok: mamori.python.xss
    return Markup("<p>%s</p>") % escape(request.form["note"])


def static_markup():
    # ok: mamori.python.xss
    return Markup("<hr>")
