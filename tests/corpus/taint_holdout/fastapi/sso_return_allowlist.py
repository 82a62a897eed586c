from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from bankapi.sso import complete_login

router = APIRouter()

RETURN_PAGES = {"home": "/app/home", "cards": "/app/cards", "loans": "/app/loans"}


@router.get("/sso/callback")
def sso_callback(code: str, state: str, page: str = "home"):
    complete_login(code, state)
    return RedirectResponse(RETURN_PAGES.get(page, "/app/home"), status_code=303)  # safe: 601
