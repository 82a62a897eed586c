from django.http import JsonResponse
from django.views.decorators.http import require_POST


@require_POST
def kyc_step(request):
    level = request.POST.get("level", "basic")
    request.session["kyc_level"] = level  # sink: 501
    request.session.modified = True
    return JsonResponse({"next": "/onboarding/documents"})
