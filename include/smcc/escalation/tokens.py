"""Signed, expiring links for the acknowledge / resolve buttons of ticket e-mails.

A token is ``<payload>.<signature>``, both base64url without padding, so it can sit in a URL
path or query unchanged. The payload is compact JSON ``{"v":1,"t":ticket,"a":action,"e":unix}``;
the signature is HMAC-SHA256 over the encoded payload. Nothing secret is in the payload (it
is only signed, not encrypted): it names a ticket and an action the recipient already knows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

_VERSION = 1
# Short secrets make the HMAC guessable offline from any link a recipient forwards.
MIN_SECRET_BYTES = 16
_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

# Shown to whoever clicked the link, so in Vietnamese; the code in ``reason`` is for programs.
_MESSAGES = {
    "expired": "Liên kết đã hết hạn. Vui lòng mở phiếu trên SMCC để thao tác.",
    "bad_signature": "Liên kết không hợp lệ (chữ ký sai).",
    "malformed": "Liên kết không hợp lệ (sai định dạng).",
    "wrong_ticket": "Liên kết không dành cho phiếu này.",
    "wrong_action": "Liên kết không dành cho thao tác này.",
}


class TokenError(ValueError):
    """A token was refused; ``reason`` is one of the keys of ``_MESSAGES``."""

    def __init__(self, reason: str) -> None:
        super().__init__(_MESSAGES[reason])
        self.reason = reason


@dataclass(frozen=True)
class ActionClaim:
    ticket_number: str
    action: str
    expires_at: datetime


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Decode, accepting only the one canonical spelling so a token has a single valid form."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64encode(data) != text:
        raise ValueError("non-canonical base64")
    return data


def _mac(payload: str, secret: bytes) -> bytes:
    return hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"secret must be at least {MIN_SECRET_BYTES} bytes")


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def sign_action(ticket_number: str, action: str, secret: bytes, expires_at: datetime) -> str:
    """A URL-safe token allowing ``action`` on ``ticket_number`` until ``expires_at``."""
    _check_secret(secret)
    _check_aware(expires_at, "expires_at")
    if not ticket_number or not action:
        raise ValueError("ticket_number and action must be non-empty")
    claims = {"v": _VERSION, "t": ticket_number, "a": action, "e": int(expires_at.timestamp())}
    payload = _b64encode(json.dumps(claims, separators=(",", ":"), ensure_ascii=True).encode("ascii"))
    return f"{payload}.{_b64encode(_mac(payload, secret))}"


def _split(token: str) -> tuple[str, bytes]:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise TokenError("malformed")
    payload, signature = token.split(".")
    try:
        return payload, _b64decode(signature)
    except (binascii.Error, ValueError):
        raise TokenError("malformed") from None


def _claims(payload: str) -> ActionClaim:
    try:
        data = json.loads(_b64decode(payload))
        version, ticket, action, expires = data["v"], data["t"], data["a"], data["e"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise TokenError("malformed") from None
    types_ok = isinstance(ticket, str) and isinstance(action, str) and type(expires) is int
    if version != _VERSION or not types_ok:
        raise TokenError("malformed")
    return ActionClaim(ticket, action, datetime.fromtimestamp(expires, timezone.utc))


def verify_action(
    token: str,
    secret: bytes,
    now: datetime,
    ticket_number: str | None = None,
    action: str | None = None,
) -> ActionClaim:
    """Check signature, expiry and (when given) the expected ticket and action.

    The signature is checked before anything in the payload is trusted or even parsed.
    """
    _check_secret(secret)
    _check_aware(now, "now")
    payload, signature = _split(token)
    if not hmac.compare_digest(signature, _mac(payload, secret)):
        raise TokenError("bad_signature")
    claim = _claims(payload)
    if now >= claim.expires_at:
        raise TokenError("expired")
    if ticket_number is not None and claim.ticket_number != ticket_number:
        raise TokenError("wrong_ticket")
    if action is not None and claim.action != action:
        raise TokenError("wrong_action")
    return claim
