from flask import Blueprint, render_template, request
from flask_login import login_required
from markupsafe import Markup, escape

from bankapp.models import Payee

payees = Blueprint("payees", __name__)


@payees.get("/payees/<int:payee_id>/confirm")
@login_required
def confirm_payee(payee_id):
    payee = Payee.query.get_or_404(payee_id)
    note = request.args.get("note", "")
    reference = request.args.get("reference", "")

    note_html = Markup("<p class='note'>{}</p>").format(note)  # safe: 79
    ref_html = Markup("<code>%s</code>") % reference  # safe: 79
    hint = Markup(f"<small>Reference: {escape(reference)}</small>")  # safe: 79
    return render_template(
        "payees/confirm.html", payee=payee, note_html=note_html, ref_html=ref_html, hint=hint
    )
