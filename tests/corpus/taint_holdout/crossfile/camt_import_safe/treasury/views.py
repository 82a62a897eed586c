from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from treasury.camt import parse_entries


@require_POST
@permission_required("treasury.import_statement")
def upload_statement(request):
    entries = parse_entries(request.FILES["statement"].read())
    return JsonResponse({"entries": len(entries)})
