import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse


@login_required
def download_statement(request):
    filename = request.GET["file"]
    path = os.path.join(settings.STATEMENT_ROOT, str(request.user.pk), filename)
    return FileResponse(open(path, "rb"), as_attachment=True)  # sink: 22
