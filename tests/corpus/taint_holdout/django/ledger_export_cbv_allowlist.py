import subprocess

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.generic import View

EXPORTABLE = {"entries": "ledger_entries", "balances": "daily_balances"}


class LedgerExportView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        table = EXPORTABLE.get(request.GET.get("dataset", ""))
        if table is None:
            return HttpResponseBadRequest("unknown dataset")
        fmt = "parquet" if request.GET.get("format") == "parquet" else "csv"
        subprocess.run(  # safe: 78
            ["/opt/ledger/bin/export-ledger", "--table", table, "--format", fmt],
            check=True,
            timeout=300,
        )
        return JsonResponse({"queued": True, "dataset": table})
