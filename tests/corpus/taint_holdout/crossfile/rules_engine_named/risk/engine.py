DEFAULT_RULES = {
    "large_foreign": "amount > 5000 and country != 'DE'",
    "round_amount": "amount >= 1000 and amount % 1000 == 0",
    "night_owl": "hour < 5",
}


class UnknownRule(KeyError):
    pass


class RuleEngine:
    def __init__(self, rules=None):
        self.rules = dict(DEFAULT_RULES if rules is None else rules)

    def matches(self, rule_name, txn):
        expression = self.rules.get(rule_name)
        if expression is None:
            raise UnknownRule(rule_name)
        return bool(eval(expression, {"__builtins__": {}}, dict(txn)))  # safe: 95
