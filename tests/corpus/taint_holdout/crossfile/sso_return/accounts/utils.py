from django.conf import settings


def get_return_url(request):
    relay_state = request.GET.get("RelayState")
    if relay_state:
        return relay_state
    return settings.LOGIN_REDIRECT_URL
