import httpx
from fastapi import APIRouter, Query

router = APIRouter(prefix="/integrations")


@router.post("/probe")
async def probe_endpoint(url: str = Query(..., description="partner callback URL")):
    async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as client:
        resp = await client.get(url)  # sink: 918
    return {"status": resp.status_code, "elapsed_ms": int(resp.elapsed.total_seconds() * 1000)}
