from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from payments.models import Transaction


@login_required
def transaction_by_reference(request):
    ref = request.GET.get("ref", "")
    txns = Transaction.objects.raw(
        "SELECT * FROM payments_transaction WHERE owner_id = %d AND end_to_end_ref = '%s'"  # sink: 89
        % (request.user.id, ref)
    )
    data = [
        {"id": t.id, "amount": str(t.amount), "currency": t.currency, "booked": t.booked_at.isoformat()}
        for t in txns
    ]
    return JsonResponse({"results": data})
