"""Network host analysers: in-scope TCP discovery, service identification and checks.

Nothing here touches a ``host:port`` the scope does not authorise; see :mod:`.discovery`.
"""
