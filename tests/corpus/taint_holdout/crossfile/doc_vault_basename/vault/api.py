from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from vault.storage import DocumentStore

router = APIRouter(prefix="/vault")
store = DocumentStore()


@router.get("/customers/{customer_id}/documents")
def get_document(customer_id: int, name: str):
    try:
        data = store.read(customer_id, name)
    except FileNotFoundError:
        raise HTTPException(status_code=404, detail="document not found")
    return Response(content=data, media_type="application/pdf")
