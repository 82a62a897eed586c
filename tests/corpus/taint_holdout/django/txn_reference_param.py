from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from payments.models import Transaction


@require_GET
@login_required
def transaction_by_reference(request):
    ref = request.GET.get("ref", "")
    with connection.cursor() as cursor:
        cursor.execute(  # safe: 89
            "SELECT id, amount, currency, booked_at FROM payments_transaction "
            "WHERE owner_id = %s AND end_to_end_ref = %s",
            [request.user.id, ref],
        )
        rows = cursor.fetchall()
    return JsonResponse(
        {"results": [{"id": r[0], "amount": str(r[1]), "currency": r[2]} for r in rows]}
    )


@login_required
def transactions_for_counterparty(request):
    iban = request.GET["iban"].replace(" ", "")
    txns = Transaction.objects.raw(  # safe: 89
        "SELECT * FROM payments_transaction WHERE owner_id = %s AND counterparty_iban = %s",
        [request.user.id, iban],
    )
    return JsonResponse({"count": len(list(txns))})
