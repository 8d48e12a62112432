"""Delivery of the e-mail outbox over SMTP.

Each pending row is locked, sent with its deterministic Message-ID and marked in the same
transaction, so two delivery tasks never send one message and a crash before the mark leaves
it pending (to be retried), never lost. Temporary failures (connection refused or dropped,
timeouts, 4xx replies) are retried with backoff; permanent ones (5xx) mark the row failed
after ``max_attempts`` so a bad address does not block the queue forever.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.encoders import encode_base64
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from typing import Any

from smcc.db import Warehouse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    from_email: str = "smcc@localhost"
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 30.0


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"e-mail: {self.sent} sent, {self.retried} to retry, {self.failed} failed"


class TemporaryDeliveryError(Exception):
    """Worth retrying later: the server is down, busy or dropped the connection."""


class PermanentDeliveryError(Exception):
    """The server refused the message for good (5xx)."""


def build_message(row: dict[str, Any], from_email: str,
                  inline_images: list[dict[str, Any]] = ()) -> Message:
    """A multipart/alternative (plain text + HTML) message for one outbox row; inline images
    (referenced as ``cid:`` in the HTML) travel in a multipart/related part with the HTML.

    Built with the compat32 MIME classes, about three times cheaper than ``EmailMessage``'s
    content manager (a round of delivery sends hundreds). The subject, the only header that can
    carry scraped text, always goes out as an RFC 2047 encoded word, so no line break in it can
    start a header of its own."""
    html: Message = MIMEText(row["body_html"], "html", "utf-8")
    if inline_images:
        related = MIMEMultipart("related")
        related.attach(html)
        for image in inline_images:
            maintype, subtype = image["content_type"].split("/", 1)
            part = MIMEBase(maintype, subtype)
            part.set_payload(bytes(image["data"]))
            encode_base64(part)
            part["Content-ID"] = f"<{image['cid']}>"
            part["Content-Disposition"] = "inline"
            related.attach(part)
        html = related
    msg = MIMEMultipart("alternative", _subparts=[MIMEText(row["body_text"], "plain", "utf-8"), html])
    msg["Message-ID"] = row["message_id"]
    msg["From"] = from_email
    msg["To"] = ", ".join(row["recipients"])
    msg["Subject"] = Header(row["subject"], "utf-8")
    msg["Date"] = format_datetime(row["created_at"])
    msg["X-SMCC-Kind"] = row["kind"]
    return msg


class SmtpSession:
    """One SMTP connection reused for many messages (opened on first use, dropped after an
    error so the next message starts clean)."""

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        smtp = self.smtp
        if smtp.use_ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            client.login(smtp.user, smtp.password or "")
        return client

    def send(self, msg: Message) -> None:
        """Send one message; raise Temporary/PermanentDeliveryError on failure."""
        try:
            if self._client is None:
                self._client = self._connect()
            self._client.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = {code for code, _ in exc.recipients.values()}
            if all(500 <= code < 600 for code in codes):
                raise PermanentDeliveryError(f"recipients refused: {sorted(codes)}") from None
            raise TemporaryDeliveryError(f"recipients refused: {sorted(codes)}") from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            text = f"SMTP {exc.smtp_code}"
            if 500 <= exc.smtp_code < 600:
                raise PermanentDeliveryError(text) from None
            raise TemporaryDeliveryError(text) from None
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            self.close()
            raise TemporaryDeliveryError(f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (smtplib.SMTPException, OSError):
                self._client.close()
            self._client = None

    def __enter__(self) -> "SmtpSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most one hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def deliver_pending(
    wh: Warehouse,
    smtp: SmtpSettings,
    now: datetime,
    *,
    limit: int = 10_000,
    max_attempts: int = 5,
    message_ids: list[str] | None = None,
) -> DeliveryReport:
    """Send the outbox rows due when the round starts (optionally only ``message_ids``), oldest
    first, one transaction per message."""
    report = DeliveryReport()
    with SmtpSession(smtp) as session:
        _deliver(wh, session, now, limit, max_attempts, message_ids, report)
    log.info(report.summary())
    return report


def _deliver(wh: Warehouse, session: SmtpSession, now: datetime, limit: int, max_attempts: int,
             message_ids: list[str] | None, report: DeliveryReport) -> None:
    due = wh.fetch_all("outbox_due", {"now": now, "limit": limit, "message_ids": message_ids})
    for outbox_id in (r["id"] for r in due):
        with wh.transaction() as tx:
            row = tx.fetch_one("outbox_take", {"id": outbox_id, "now": now})
            if row is None:
                continue  # another delivery task has it, or has sent it meanwhile
            images = (tx.fetch_all("outbox_attachments", {"message_id": row["message_id"]})
                      if row["has_attachments"] else [])
            try:
                session.send(build_message(row, session.smtp.from_email, images))
            except (TemporaryDeliveryError, PermanentDeliveryError) as exc:
                attempts = row["attempts"] + 1
                report.errors.append(f"{row['message_id']}: {exc}")
                if isinstance(exc, PermanentDeliveryError) and attempts >= max_attempts:
                    tx.execute("outbox_mark_failed", {"id": row["id"], "error": str(exc)})
                    report.failed += 1
                else:
                    tx.execute(
                        "outbox_mark_retry",
                        {"id": row["id"], "error": str(exc),
                         "next_attempt_at": now + retry_delay(attempts)},
                    )
                    report.retried += 1
                if isinstance(exc, TemporaryDeliveryError):
                    # The server is unreachable or busy: stop hammering it this round.
                    break
                continue
            tx.execute("outbox_mark_sent", {"id": row["id"], "now": now})  # + the ticket's event
            report.sent += 1
