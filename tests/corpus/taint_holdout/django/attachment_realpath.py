import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse


@login_required
def loan_attachment(request, loan_id):
    root = os.path.realpath(os.path.join(settings.LOAN_DOCS_ROOT, str(int(loan_id))))
    requested = os.path.realpath(os.path.join(root, request.GET.get("name", "")))
    if os.path.commonpath([root, requested]) != root or not os.path.isfile(requested):
        raise Http404("no such attachment")
    with open(requested, "rb") as fh:  # safe: 22
        body = fh.read()
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Content-Disposition"] = "attachment"
    return response
