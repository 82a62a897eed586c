import os

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from statements.jobs import ExportJob


@require_POST
@login_required
def export_statement(request):
    job = ExportJob(account=request.POST["account"], fmt=request.POST.get("format", "pdf"))
    produced = job.run()
    return JsonResponse({"file": os.path.basename(produced)})
