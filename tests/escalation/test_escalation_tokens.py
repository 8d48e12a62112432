from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smcc.escalation.tokens import ActionClaim, TokenError, sign_action, verify_action

SECRET = b"test-secret-0123456789abcdef"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TICKET = "SMCC-20261201-0007"


def _token(action: str = "ack", ticket: str = TICKET, expires: datetime = NOW + timedelta(hours=48)) -> str:
    return sign_action(ticket, action, SECRET, expires)


def _reason(token: str, **kwargs: object) -> str:
    with pytest.raises(TokenError) as caught:
        verify_action(token, kwargs.pop("secret", SECRET), kwargs.pop("now", NOW), **kwargs)  # type: ignore[arg-type]
    return caught.value.reason


def test_valid_token_round_trips() -> None:
    claim = verify_action(_token(), SECRET, NOW, ticket_number=TICKET, action="ack")
    assert claim == ActionClaim(TICKET, "ack", NOW + timedelta(hours=48))


def test_token_is_url_safe() -> None:
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", _token())


def test_expired_token() -> None:
    token = _token(expires=NOW + timedelta(minutes=5))
    assert verify_action(token, SECRET, NOW + timedelta(minutes=4), ticket_number=TICKET)
    assert _reason(token, now=NOW + timedelta(minutes=5)) == "expired"
    assert _reason(token, now=NOW + timedelta(days=3)) == "expired"


def test_tampered_payload_is_refused() -> None:
    payload, signature = _token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["t"] = "SMCC-20261201-0008"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert _reason(f"{forged}.{signature}") == "bad_signature"


def test_tampered_signature_and_wrong_secret_are_refused() -> None:
    token = _token()
    payload, signature = token.split(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    assert _reason(f"{payload}.{flipped}") == "bad_signature"
    assert _reason(token, secret=b"another-secret-0123456789") == "bad_signature"


def test_wrong_ticket_and_wrong_action() -> None:
    token = _token(action="ack")
    assert _reason(token, ticket_number="SMCC-20261201-0008") == "wrong_ticket"
    assert _reason(token, ticket_number=TICKET, action="resolve") == "wrong_action"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "!!!.???", "eyJ2IjoxfQ.%%%", "x" * 10 + "\n.y"])
def test_malformed_tokens(token: str) -> None:
    assert _reason(token) == "malformed"


def test_error_messages_reveal_no_secret_and_are_vietnamese() -> None:
    with pytest.raises(TokenError) as caught:
        verify_action(_token(), SECRET, NOW + timedelta(days=10))
    message = str(caught.value)
    assert SECRET.decode() not in message
    assert "hết hạn" in message


def test_short_secret_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign_action(TICKET, "ack", b"short", NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_action(TICKET, "ack", SECRET, datetime(2026, 12, 2))
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_action(_token(), SECRET, datetime(2026, 12, 1))


@settings(max_examples=100, deadline=None)
@given(ticket=st.text(min_size=1, max_size=40), action=st.text(min_size=1, max_size=20), position=st.integers(min_value=0))
def test_any_claim_round_trips_and_any_single_edit_is_refused(ticket: str, action: str, position: int) -> None:
    token = sign_action(ticket, action, SECRET, NOW + timedelta(hours=1))
    assert verify_action(token, SECRET, NOW, ticket_number=ticket, action=action).action == action
    index = position % len(token)
    replacement = "A" if token[index] != "A" else "B"
    edited = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(TokenError) as caught:
        verify_action(edited, SECRET, NOW)
    assert caught.value.reason in {"bad_signature", "malformed"}
