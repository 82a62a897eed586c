import ldap
from ldap.filter import filter_format

BASE_DN = "ou=people,dc=examplebank,dc=net"


def find_user(conn, uid):
    flt = filter_format("(&(objectClass=person)(uid=%s))", [uid])
    results = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["cn", "memberOf"])  # safe: 90
    return results[0] if results else None


def open_connection(url, bind_dn, password):
    conn = ldap.initialize(url)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.simple_bind_s(bind_dn, password)
    return conn
