import os
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest


@login_required
def download_statement(request):
    try:
        statement_id = uuid.UUID(request.GET.get("id", ""))
    except ValueError:
        return HttpResponseBadRequest("bad statement id")
    path = os.path.join(settings.STATEMENT_ROOT, str(request.user.pk), f"{statement_id}.pdf")
    if not os.path.isfile(path):
        raise Http404
    return FileResponse(open(path, "rb"), content_type="application/pdf")  # safe: 22
