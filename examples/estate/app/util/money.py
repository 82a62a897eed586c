"""Money helpers: parsing amounts typed by customers and formatting them for display."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

_MINOR_UNITS = {"JPY": 0, "USD": 2, "EUR": 2, "GBP": 2, "AUD": 2}


class AmountError(ValueError):
    """An amount the customer typed cannot be used."""


def parse_amount(text: str, currency: str) -> Decimal:
    """Parse ``"12,500"`` or ``"12500.00"`` into a positive Decimal in ``currency``'s units."""
    cleaned = text.replace(",", "").replace("¥", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as e:
        raise AmountError(f"not an amount: {text!r}") from e
    if value <= 0:
        raise AmountError("the amount must be positive")
    return quantise(value, currency)


def quantise(value: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit using banker's rounding."""
    places = _MINOR_UNITS.get(currency, 2)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def display(value: Decimal, currency: str) -> str:
    """``"¥12,500"`` / ``"USD 1,234.50"``."""
    places = _MINOR_UNITS.get(currency, 2)
    text = f"{value:,.{places}f}"
    return f"¥{text}" if currency == "JPY" else f"{currency} {text}"
