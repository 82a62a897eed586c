from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from payments.models import Payee


@login_required
def search_payees(request):
    q = request.GET.get("q", "")
    payees = Payee.objects.filter(owner=request.user, name__icontains=q)[:20]
    if not payees:
        return HttpResponse(f"<p class='empty'>No payees match <b>{q}</b></p>")  # sink: 79
    return render(request, "payees/_results.html", {"payees": payees, "q": q})
