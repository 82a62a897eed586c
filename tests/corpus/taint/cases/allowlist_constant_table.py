# ruff: noqa
from flask import Flask, redirect, request

app = Flask(__name__)

PAGES = {"home": "/app/home", "cards": "/app/cards"}
REPORTS = ("daily.csv", "monthly.csv")


@app.route("/go")
def go():
    return redirect(PAGES.get(request.args.get("page"), "/app/home"))  # safe: 601


@app.route("/go2")
def go2():
    return redirect(PAGES[request.args["page"]])  # safe: 601


@app.route("/report")
def report():
    return open("/srv/reports/" + REPORTS[int(request.args["i"])]).read()  # safe: 22


@app.route("/go3")
def go3():
    return redirect(PAGES.get(request.args.get("page"), request.args.get("next")))  # sink: 601


@app.route("/go4")
def go4():
    pages = {"home": request.args.get("next")}
    return redirect(pages["home"])  # sink: 601
