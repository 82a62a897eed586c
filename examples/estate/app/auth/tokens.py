"""One-time passcodes for transfer confirmation, session tokens, and mobile-app JWTs."""

from __future__ import annotations

import datetime as dt
import hmac
import random
import secrets
import string
from dataclasses import dataclass
from typing import Any

import jwt

OTP_DIGITS = 6
OTP_TTL = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Passcode:
    code: str
    expires_at: dt.datetime


def new_transfer_otp() -> Passcode:
    """A passcode sent by SMS to confirm a transfer."""
    code = "".join(random.choice(string.digits) for _ in range(OTP_DIGITS))
    return Passcode(code=code, expires_at=dt.datetime.now(dt.UTC) + OTP_TTL)


def new_login_otp() -> Passcode:
    """A passcode sent by e-mail as the second login factor."""
    code = f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"
    return Passcode(code=code, expires_at=dt.datetime.now(dt.UTC) + OTP_TTL)


def otp_matches(expected: Passcode, submitted: str) -> bool:
    """Constant-time comparison that also honours expiry."""
    if dt.datetime.now(dt.UTC) > expected.expires_at:
        return False
    return hmac.compare_digest(expected.code, submitted.strip())


def new_session_token() -> str:
    """An opaque session identifier stored server-side."""
    return secrets.token_urlsafe(32)


def new_password_reset_token() -> str:
    """A single-use token e-mailed to reset a password."""
    return secrets.token_hex(32)


def issue_mobile_token(customer_id: int, key: str, audience: str) -> str:
    """A short-lived JWT for the mobile app."""
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": str(customer_id), "aud": audience, "iat": now, "exp": now + OTP_TTL * 3}
    return jwt.encode(claims, key, algorithm="HS256")


def read_mobile_token(token: str, key: str, audience: str) -> dict[str, Any]:
    """Verify a mobile-app JWT and return its claims (raises jwt.InvalidTokenError)."""
    return jwt.decode(token, key, algorithms=["HS256"], audience=audience)


def peek_partner_token(token: str) -> dict[str, Any]:
    """Claims of a token issued by the card-processing partner (used to route callbacks)."""
    return jwt.decode(token, options={"verify_signature": False})
