"""Clean rows for each gate stage; tests break one thing at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from smcc.models import Interval

INTERVAL = Interval(datetime(2026, 3, 2, 8, tzinfo=timezone.utc), datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
VIETNAMESE_TEXTS = (
    "Mạng MobiFone khu vực Thủ Đức mất sóng từ sáng đến giờ, gọi tổng đài không được.",
    "Gói cước mới của MobiFone khá ổn, tốc độ 4G ổn định hơn trước.",
    "Bị trừ tiền dịch vụ không đăng ký, ai biết cách hủy không?",
)


def raw_row(i: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": f"voz:{i}", "source": "voz", "external_id": str(i), "source_type": "forum_post",
        "url": f"https://voz.vn/t/mobifone.{i}/", "published_at": INTERVAL.start + timedelta(minutes=i % 60),
        "text": VIETNAMESE_TEXTS[i % len(VIETNAMESE_TEXTS)], "title": "MobiFone", "author": f"user{i}",
        "author_followers": 10 * i, "reactions": i, "comments": 1, "shares": 0,
    }
    row.update(changes)
    return row


def scored_row(i: int, **changes: Any) -> dict[str, Any]:
    level = i % 4
    row: dict[str, Any] = {
        "key": f"voz:{i}:mobifone", "mention_key": f"voz:{i}", "brand": "mobifone", "relevant": True,
        "sentiment": ("negative", "neutral", "positive")[i % 3], "sentiment_score": 0.8, "topic": "network",
        "level": level, "reasons": [f"lý do {n}" for n in range(level)],
    }
    row.update(changes)
    return row


def escalation_row(i: int, **changes: Any) -> dict[str, Any]:
    opened = INTERVAL.start + timedelta(minutes=i)
    sla_hours = (24, 4, 1)[i % 3]
    row: dict[str, Any] = {
        "key": f"story-{i}", "level": 1 + i % 3, "ticket_count": 1, "ticket_state": "open",
        "opened_at": opened, "deadline": opened + timedelta(hours=sla_hours), "sla_hours": sla_hours,
        "outbox_count": 2,
    }
    row.update(changes)
    return row
