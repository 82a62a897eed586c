from django.http import HttpResponseRedirect
from django.utils import translation
from django.views.decorators.http import require_POST

SUPPORTED = {"en", "de", "fr", "ja"}


@require_POST
def switch_language(request):
    lang = request.POST.get("language", "en")
    if lang in SUPPORTED:
        translation.activate(lang)
    back_to = request.POST.get("next", request.META.get("HTTP_REFERER", "/"))
    response = HttpResponseRedirect(back_to)  # sink: 601
    response.set_cookie("django_language", lang if lang in SUPPORTED else "en")
    return response
