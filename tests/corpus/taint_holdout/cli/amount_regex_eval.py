"""Teller helper: convert amounts typed as small expressions (e.g. 1200/12) to USD."""
import re
from decimal import Decimal

RATE_EUR_USD = Decimal("1.0825")
AMOUNT_EXPR = re.compile(r"\d{1,9}(\.\d{1,2})?( ?[*/+-] ?\d{1,9}(\.\d{1,2})?)?")


def main():
    while True:
        expr = input("amount in EUR (q to quit) > ").strip()
        if expr in {"q", "quit"}:
            break
        if not AMOUNT_EXPR.fullmatch(expr):
            print("use digits and at most one of + - * /")
            continue
        try:
            value = eval(expr)  # safe: 95
        except (ZeroDivisionError, SyntaxError):
            print("cannot evaluate that amount")
            continue
        print(f"{value} EUR = {Decimal(str(value)) * RATE_EUR_USD:.2f} USD")


if __name__ == "__main__":
    main()
