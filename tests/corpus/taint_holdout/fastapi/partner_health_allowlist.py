import requests
from fastapi import APIRouter, HTTPException

router = APIRouter()

PARTNER_ENDPOINTS = {
    "swift": "https://gpi.swift.example.net/health",
    "sepa": "https://sepa-gw.example.eu/health",
    "visa": "https://api.visa.example.com/health",
}


@router.get("/partners/{partner}/health")
def partner_health(partner: str):
    endpoint = PARTNER_ENDPOINTS.get(partner)
    if endpoint is None:
        raise HTTPException(status_code=404, detail="unknown partner")
    r = requests.get(endpoint, timeout=3)  # safe: 918
    return {"partner": partner, "up": r.ok}
