"""Helpers shared by the blueprints: the logged-in customer and the login guard."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, redirect, session, url_for

F = TypeVar("F", bound=Callable[..., Any])


def current_customer_id() -> int:
    """The customer of this session; 401 when nobody is logged in."""
    customer_id = session.get("customer_id")
    if not isinstance(customer_id, int):
        abort(401)
    return customer_id


def login_required(view: F) -> F:
    """Redirect anonymous visitors to the login page."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "customer_id" not in session:
            return redirect(url_for("auth.login"))
        g.customer_id = session["customer_id"]
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def staff_required(view: F) -> F:
    """Only back-office staff (role set by the SSO gateway) may call ``view``."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if session.get("role") != "operations":
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
