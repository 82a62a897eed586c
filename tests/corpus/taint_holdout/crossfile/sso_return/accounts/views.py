from django.contrib.auth import login
from django.shortcuts import redirect

from accounts.saml import authenticate_assertion
from accounts.utils import get_return_url


def sso_callback(request):
    user = authenticate_assertion(request)
    login(request, user)
    return redirect(get_return_url(request))  # sink: 601
