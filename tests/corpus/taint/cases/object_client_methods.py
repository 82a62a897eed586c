# ruff: noqa
import httpx
import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/probe")
async def probe(url: str):
    async with httpx.AsyncClient(timeout=5.0) as client:
        resp = await client.get(url)  # sink: 918
    return {"status": resp.status_code}


@app.get("/fetch")
def fetch(url: str):
    session = requests.Session()
    return {"status": session.post(url, timeout=5).status_code}  # sink: 918


def _client():
    return httpx.Client(timeout=5.0)


@app.get("/head")
def head(url: str):
    return {"status": _client().head(url).status_code}  # sink: 918


def _status(client: httpx.Client, url):
    return client.get(url).status_code  # sink: 918


@app.get("/status")
def status(url: str):
    with httpx.Client() as client:
        return {"status": _status(client, url)}
