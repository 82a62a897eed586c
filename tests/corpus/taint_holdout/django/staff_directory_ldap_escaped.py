from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars


@login_required
def directory_search(request):
    term = escape_filter_chars(request.GET.get("q", ""))
    conn = Connection(
        Server(settings.LDAP_URL, use_ssl=True),
        settings.LDAP_BIND_DN,
        settings.LDAP_BIND_PASSWORD,
        auto_bind=True,
    )
    try:
        conn.search(  # safe: 90
            "ou=staff,dc=examplebank,dc=com",
            f"(|(cn=*{term}*)(mail=*{term}*))",
            search_scope=SUBTREE,
            attributes=["cn", "mail"],
        )
        results = [{"name": str(e.cn), "mail": str(e.mail)} for e in conn.entries]
    finally:
        conn.unbind()
    return JsonResponse({"results": results})
