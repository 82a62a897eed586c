import os

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse

router = APIRouter(prefix="/reports")

REPORT_DIR = "/srv/reports/regulatory"


@router.get("/download")
def download_report(name: str = Query(..., min_length=3)):
    path = os.path.join(REPORT_DIR, name)
    if not os.path.isfile(path):
        raise HTTPException(status_code=404)
    return FileResponse(path, filename=os.path.basename(path))  # sink: 22
