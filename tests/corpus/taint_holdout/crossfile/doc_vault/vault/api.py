from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from vault import storage

router = APIRouter(prefix="/vault")


@router.get("/documents")
def get_document(customer_id: int = Query(...), name: str = Query(...)):
    try:
        data = storage.read_document(customer_id, name)
    except FileNotFoundError:
        raise HTTPException(status_code=404, detail="document not found")
    return Response(content=data, media_type="application/pdf")
