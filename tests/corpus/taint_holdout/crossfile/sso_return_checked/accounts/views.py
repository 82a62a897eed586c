from django.contrib.auth import login
from django.http import HttpResponseRedirect

from accounts.saml import authenticate_assertion
from accounts.utils import safe_return_url


def sso_callback(request):
    user = authenticate_assertion(request)
    login(request, user)
    return HttpResponseRedirect(safe_return_url(request))  # safe: 601
