from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST

from statements.runner import run_renderer

FORMATS = ("pdf", "csv", "mt940")


@require_POST
@login_required
def export_statement(request):
    try:
        account_id = int(request.POST["account"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("account must be numeric")
    fmt = request.POST.get("format", "pdf")
    if fmt not in FORMATS:
        return HttpResponseBadRequest("unsupported format")
    return JsonResponse({"log": run_renderer(account_id, fmt)})
