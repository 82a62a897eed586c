import requests
from flask import Blueprint, jsonify, request

fx = Blueprint("fx", __name__)

RATES_API = "https://rates.internal.examplebank.net/v2"


@fx.get("/fx/quote")
def fx_quote():
    base = request.args.get("base", "EUR").upper()
    symbol = request.args.get("quote", "USD").upper()
    # user values only travel as encoded query parameters to our own rates service
    resp = requests.get(  # safe: 918
        RATES_API + "/latest", params={"base": base, "symbols": symbol}, timeout=3
    )
    resp.raise_for_status()
    rate = resp.json()["rates"].get(symbol)
    return jsonify(base=base, quote=symbol, rate=rate)
