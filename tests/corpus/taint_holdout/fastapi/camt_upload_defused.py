from defusedxml import ElementTree as SafeET
from fastapi import APIRouter, File, HTTPException, UploadFile

router = APIRouter(prefix="/statements")

NS = "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02}"


@router.post("/camt053")
async def upload_camt(file: UploadFile = File(...)):
    data = await file.read()
    try:
        doc = SafeET.fromstring(data)  # safe: 611
    except SafeET.ParseError:
        raise HTTPException(status_code=400, detail="malformed statement")
    return {"entries": len(doc.findall(f".//{NS}Ntry"))}
