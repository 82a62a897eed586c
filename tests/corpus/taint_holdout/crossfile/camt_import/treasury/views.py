from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from treasury import camt


@require_POST
@permission_required("treasury.import_statement")
def upload_statement(request):
    upload = request.FILES["statement"]
    entries = camt.parse_entries(upload.read())
    return JsonResponse({"entries": len(entries)})
