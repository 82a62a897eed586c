import ipaddress
import subprocess

from fastapi import APIRouter, Body, HTTPException

router = APIRouter(prefix="/ops")


@router.post("/gateway-check")
def gateway_check(host: str = Body(..., embed=True)):
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise HTTPException(status_code=422, detail="host must be an IP address")
    proc = subprocess.run(  # safe: 78
        ["ping", "-c", "3", "-W", "2", str(addr)], capture_output=True, text=True, timeout=15
    )
    return {"reachable": proc.returncode == 0}
