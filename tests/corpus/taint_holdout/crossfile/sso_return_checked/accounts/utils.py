from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def safe_return_url(request):
    candidate = request.GET.get("RelayState", "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=True
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL
