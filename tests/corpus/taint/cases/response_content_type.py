# ruff: noqa
from django.http import HttpResponse
from flask import Flask, Response, request, send_from_directory

app = Flask(__name__)


def download(request):
    data = request.GET.get("body", "")
    HttpResponse(data, content_type="application/octet-stream")  # safe: 79
    HttpResponse(data, content_type="text/plain; charset=utf-8")  # safe: 79
    return HttpResponse(data, content_type="text/html")  # sink: 79


@app.route("/export")
def export():
    rows = request.args.get("rows", "")
    Response(rows, mimetype="text/csv")  # safe: 79
    return Response("<p>" + rows + "</p>")  # sink: 79


@app.route("/receipts")
def receipt():
    return send_from_directory("/srv/receipts", request.args["name"])  # safe: 22


@app.route("/receipts2")
def receipt2():
    return send_from_directory(request.args["dir"], "r.pdf")  # sink: 22
