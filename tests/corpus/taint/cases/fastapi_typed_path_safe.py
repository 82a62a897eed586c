# ruff: noqa
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/reports/{report_id}")
def report(report_id: int):
    return open(os.path.join("/srv/reports", f"{report_id}.pdf"), "rb").read()  # safe: 22


@app.get("/exports/{name}")
def export(name: str):
    return open(os.path.join("/srv/exports", name), "rb").read()  # sink: 22
