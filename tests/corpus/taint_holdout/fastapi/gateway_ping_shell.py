import subprocess

from fastapi import APIRouter, Body

router = APIRouter(prefix="/ops")


@router.post("/gateway-check")
def gateway_check(host: str = Body(..., embed=True)):
    proc = subprocess.run(  # sink: 78
        f"ping -c 3 -W 2 {host}", shell=True, capture_output=True, text=True, timeout=15
    )
    return {"reachable": proc.returncode == 0}
