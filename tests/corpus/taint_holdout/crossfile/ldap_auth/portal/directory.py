from ldap3 import Connection, Server


class Directory:
    def __init__(self, url, bind_dn, password, base="ou=people,dc=examplebank,dc=net"):
        self.conn = Connection(Server(url, use_ssl=True), bind_dn, password, auto_bind=True)
        self.base = base

    def find_user(self, uid):
        flt = "(&(objectClass=person)(uid=%s))" % uid
        self.conn.search(self.base, flt, attributes=["cn", "memberOf"])  # sink: 90
        return self.conn.entries[0] if self.conn.entries else None

    def check_password(self, dn, password):
        probe = Connection(self.conn.server, dn, password)
        ok = probe.bind()
        probe.unbind()
        return ok
