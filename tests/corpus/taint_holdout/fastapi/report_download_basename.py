import os

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse

router = APIRouter(prefix="/reports")

REPORT_DIR = "/srv/reports/regulatory"


@router.get("/file")
def report_file(name: str = Query(...)):
    safe_name = os.path.basename(name)
    path = os.path.join(REPORT_DIR, safe_name)
    if not safe_name.endswith(".pdf") or not os.path.isfile(path):
        raise HTTPException(status_code=404, detail="report not found")
    return FileResponse(path, media_type="application/pdf")  # safe: 22
