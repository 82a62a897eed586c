# ruff: noqa
from string import Template as StringTemplate

import jinja2
from flask import Flask, jsonify, render_template_string, request
from jinja2 import Environment, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

app = Flask(__name__)
env = Environment(autoescape=select_autoescape())
sandbox = SandboxedEnvironment(autoescape=True)


@app.route("/preview", methods=["POST"])
def preview():
    src = request.form["template"]
    body = jinja2.Template(src).render(user="guest")  # sink: 1336
    return jsonify(preview=body)


@app.route("/greeting")
def greeting():
    name = request.args.get("name", "")
    body = jinja2.Template("Hello {{ name }}").render(name=name)  # safe: 1336
    return jsonify(greeting=body)


@app.route("/notice", methods=["POST"])
def notice():
    data = request.get_json()
    tmpl = env.from_string("Dear " + data["name"] + ", your order shipped.")  # sink: 1336
    return jsonify(text=tmpl.render())


@app.route("/notice2", methods=["POST"])
def notice2():
    data = request.get_json()
    tmpl = env.from_string("Dear {{ name }}, your order shipped.")  # safe: 1336
    return jsonify(text=tmpl.render(name=data["name"]))


@app.route("/banner")
def banner():
    text = request.args.get("text", "")
    return jsonify(html=app.jinja_env.from_string(f"<div>{text}</div>").render())  # sink: 1336


@app.route("/page")
def page():
    title = request.args.get("title", "")
    return render_template_string("<h1>" + title + "</h1>")  # sink: 79  # sink: 1336


@app.route("/page2")
def page2():
    title = request.args.get("title", "")
    return render_template_string("<h1>{{ title }}</h1>", title=title)  # safe: 79  # safe: 1336


@app.route("/sandboxed", methods=["POST"])
def sandboxed():
    src = request.form["template"]
    return jsonify(text=sandbox.from_string(src).render(shop="Mamori"))  # safe: 1336


@app.route("/mail", methods=["POST"])
def mail():
    src = request.form["template"]
    body = StringTemplate(src).safe_substitute(shop="Mamori")  # safe: 1336
    return jsonify(text=body)


@app.route("/native")
def native():
    expr = request.args["expr"]
    native_env = jinja2.nativetypes.NativeEnvironment()
    return jsonify(value=native_env.from_string("{{ " + expr + " }}").render())  # sink: 1336
