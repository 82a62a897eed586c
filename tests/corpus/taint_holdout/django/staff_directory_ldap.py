from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from ldap3 import SUBTREE, Connection, Server


@login_required
def directory_search(request):
    term = request.GET.get("q", "")
    server = Server(settings.LDAP_URL, use_ssl=True)
    with Connection(
        server, settings.LDAP_BIND_DN, settings.LDAP_BIND_PASSWORD, auto_bind=True
    ) as conn:
        conn.search(
            "ou=staff,dc=examplebank,dc=com",
            "(|(cn=*%s*)(mail=*%s*))" % (term, term),  # sink: 90
            search_scope=SUBTREE,
            attributes=["cn", "mail", "telephoneNumber"],
        )
        entries = [
            {"name": str(e.cn), "mail": str(e.mail), "phone": str(e.telephoneNumber)}
            for e in conn.entries
        ]
    return JsonResponse({"results": entries})
