from lxml import etree


class CustomerDirectory:
    def __init__(self, path="/srv/crm/customers.xml"):
        self.tree = etree.parse(path)

    def by_iban(self, iban):
        expr = "//customer[account/iban='" + iban + "']"
        matches = self.tree.xpath(expr)  # sink: 643
        return matches[0] if matches else None
