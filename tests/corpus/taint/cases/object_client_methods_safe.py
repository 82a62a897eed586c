# ruff: noqa
import subprocess

import httpx
from fastapi import FastAPI

app = FastAPI()
RATES = "https://rates.example.net/v1/latest"


@app.get("/rates")
async def rates(currency: str):
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.get(RATES, params={"base": currency})  # safe: 918
    return resp.json()


@app.get("/count")
def count(text: str):
    proc = subprocess.Popen(["wc", "-w"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, _ = proc.communicate(text.encode())  # safe: 78
    return {"words": int(out)}


def _quote(client: httpx.Client, currency):
    return client.get(RATES, params={"base": currency}).json()  # safe: 918


@app.get("/quote")
def quote(currency: str):
    with httpx.Client() as client:
        return _quote(client, currency)
