from fastapi import APIRouter, File, UploadFile
from lxml import etree

router = APIRouter(prefix="/statements")

CAMT_NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}


@router.post("/camt053")
async def upload_camt(file: UploadFile = File(...)):
    data = await file.read()
    parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=False)
    doc = etree.fromstring(data, parser)  # sink: 611
    entries = doc.xpath("//c:Ntry", namespaces=CAMT_NS)
    return {"entries": len(entries)}
