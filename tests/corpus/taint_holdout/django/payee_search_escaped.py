from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape

from payments.models import Payee


@login_required
def search_payees(request):
    q = request.GET.get("q", "").strip()
    payees = Payee.objects.filter(owner=request.user, name__icontains=q).order_by("name")[:20]
    if not payees.exists():
        return HttpResponse("<p class='empty'>No payees match <b>" + escape(q) + "</b></p>")  # safe: 79
    return render(request, "payees/_results.html", {"payees": payees, "q": q})
