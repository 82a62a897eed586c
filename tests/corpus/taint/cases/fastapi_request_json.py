# ruff: noqa
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/eval")
async def evaluate(request: Request):
    body = await request.json()
    return {"result": eval(body["expr"])}  # sink: 95
