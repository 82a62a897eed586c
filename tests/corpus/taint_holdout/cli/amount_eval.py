"""Teller helper: convert amounts typed as small expressions (e.g. 1200/12) to USD."""
from decimal import Decimal

RATE_EUR_USD = Decimal("1.0825")


def main():
    while True:
        expr = input("amount in EUR (q to quit) > ").strip()
        if expr in {"q", "quit"}:
            break
        value = eval(expr)  # sink: 95
        print(f"{value} EUR = {Decimal(str(value)) * RATE_EUR_USD:.2f} USD")


if __name__ == "__main__":
    main()
