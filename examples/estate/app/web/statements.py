"""Statement downloads for customers and CSV exports for the back office."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    send_from_directory,
)

from app.reports import statements
from app.repositories import accounts
from app.web.common import current_customer_id, login_required, staff_required

bp = Blueprint("statements", __name__, url_prefix="/statements")


def _statement_dir() -> str:
    return str(current_app.config["HISUI"].statement_dir)


def _own_statement_files(customer_id: int) -> set[str]:
    prefixes = {f"{a.id}-" for a in accounts.list_for_customer(customer_id)}
    return {n for n in os.listdir(_statement_dir()) if any(n.startswith(p) for p in prefixes)}


@bp.get("/")
@login_required
def index():
    files = sorted(_own_statement_files(current_customer_id()), reverse=True)
    return render_template("statements.html", files=files)


@bp.get("/download")
@login_required
def download():
    name = os.path.basename(request.args.get("file", ""))
    if name not in _own_statement_files(current_customer_id()):
        abort(404)
    return send_from_directory(_statement_dir(), name, as_attachment=True)


@bp.get("/archive")
@login_required
def archive():
    """Statements from before the 2021 migration, kept under the archive folder."""
    path = os.path.join(_statement_dir(), "archive", request.args["file"])
    return send_file(path, as_attachment=True)


@bp.post("/export/<int:account_id>")
@staff_required
def export(account_id: int):
    year, month = int(request.form["year"]), int(request.form["month"])
    path = statements.export_for_back_office(account_id, year, month)
    return send_file(path, as_attachment=True, download_name=path.name)
