import yaml
from fastapi import APIRouter, HTTPException, Request

router = APIRouter(prefix="/limits")


@router.post("/import")
async def import_limits(request: Request):
    body = await request.body()
    limits = yaml.load(body, Loader=yaml.SafeLoader)  # safe: 502
    if not isinstance(limits, dict):
        raise HTTPException(status_code=400, detail="expected a mapping of limits")
    return {"imported": sorted(limits)}
