SAFE_FUNCS = {"abs": abs, "min": min, "max": max, "round": round}


class RuleEngine:
    """Evaluates fraud rules such as ``amount > 5000 and country != 'DE'``."""

    def matches(self, expression, txn):
        return bool(self._evaluate(expression, txn))

    def _evaluate(self, expression, txn):
        scope = dict(txn)
        return eval(expression, {"__builtins__": SAFE_FUNCS}, scope)  # sink: 95
