"""Who is asking and what they may do, with Airflow's own authentication.

Airflow mounts plugin FastAPI apps without any authentication, so every route of the SMCC view
resolves the caller from the same JWT the Airflow UI uses (the ``_token`` cookie, or an
``Authorization: Bearer`` header for API clients) through the configured auth manager, and asks
that auth manager for permission.

Reading the view is the custom view ``SMCC`` with ``GET``. Changing a ticket needs ``PUT`` on it
*and* ``PUT`` on the ``smcc_listen`` DAG: SimpleAuthManager answers custom-view questions with
the viewer role whatever the method, so the DAG check is what keeps a viewer read-only there,
while a FAB/Keycloak deployment can grant the ``SMCC`` resource on its own.

Forms authenticated by the cookie carry a per-form CSRF token: an HMAC, keyed by the
deployment's JWT secret, of the form's purpose and the caller's session token. The cookie is
``SameSite=Lax`` (no cross-site POSTs) and a cross-site page can read neither the cookie nor the
form, so it cannot produce the token.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request, status

VIEW_RESOURCE = "SMCC"
ACT_DAG_ID = "smcc_listen"


@dataclass(frozen=True)
class Caller:
    """An authenticated user and the session credential they came with."""

    user: Any
    credential: str
    via_cookie: bool

    @property
    def name(self) -> str:
        return str(self.user.get_name())


def _credential(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN

    return request.cookies.get(COOKIE_NAME_JWT_TOKEN), True


async def authenticate(request: Request) -> Caller:
    """The caller, validated by the auth manager; 401 without a credential, 403 for a bad one."""
    from airflow.api_fastapi.core_api.security import resolve_user_from_token

    credential, via_cookie = _credential(request)
    user = await resolve_user_from_token(credential)
    return Caller(user=user, credential=credential or "", via_cookie=via_cookie)


def _auth_manager() -> Any:
    from airflow.api_fastapi.app import get_auth_manager

    return get_auth_manager()


def can_view(caller: Caller) -> bool:
    return bool(_auth_manager().is_authorized_custom_view(
        method="GET", resource_name=VIEW_RESOURCE, user=caller.user))


def can_act(caller: Caller) -> bool:
    """May change any ticket (acknowledge, resolve) without a signed link."""
    from airflow.api_fastapi.auth.managers.models.resource_details import DagDetails

    manager = _auth_manager()
    return bool(
        manager.is_authorized_custom_view(method="PUT", resource_name=VIEW_RESOURCE,
                                          user=caller.user)
        and manager.is_authorized_dag(method="PUT", details=DagDetails(id=ACT_DAG_ID),
                                      user=caller.user))


def require_view(caller: Caller) -> None:
    if not can_view(caller):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bạn không có quyền xem SMCC.")


def login_url(request: Request) -> str:
    """Airflow's login page, coming back to the requested page afterwards."""
    return _auth_manager().get_url_login(next_url=str(request.url))


def _csrf_key() -> bytes:
    from airflow.configuration import conf

    secret = conf.get("api_auth", "jwt_secret", fallback="") or conf.get("api", "secret_key")
    return hashlib.sha256(b"smcc-ui-csrf\0" + secret.encode()).digest()


def csrf_token(caller: Caller, purpose: str) -> str:
    message = f"{purpose}\0{caller.credential}".encode()
    return hmac.new(_csrf_key(), message, hashlib.sha256).hexdigest()


def check_csrf(caller: Caller, purpose: str, token: str | None) -> None:
    """Refuse a cookie-authenticated form post without this form's token.

    A bearer header is never sent by a browser on its own, so such requests need no token.
    """
    if not caller.via_cookie:
        return
    if not token or not hmac.compare_digest(token, csrf_token(caller, purpose)):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "Biểu mẫu đã hết hiệu lực (CSRF). Vui lòng tải lại trang và thử lại.")
