import subprocess

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views import View


class LedgerExportView(LoginRequiredMixin, View):
    exporter = "/opt/ledger/bin/export-ledger"

    def get(self, request):
        table = request.GET.get("table", "ledger_entries")
        fmt = request.GET.get("format", "csv")
        cmd = f"{self.exporter} --table {table} --format {fmt} --owner {request.user.pk}"
        subprocess.run(cmd, shell=True, check=True)  # sink: 78
        return JsonResponse({"queued": True})
