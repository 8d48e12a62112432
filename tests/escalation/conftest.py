from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from smcc.escalation.render import MentionView, TicketEmail
from smcc.escalation.routing import Routing, load_routing

OPENED = datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)  # 15:30 in Hanoi


@pytest.fixture(scope="session")
def routing() -> Routing:
    return load_routing()


def make_mention(index: int = 0, **changes: object) -> MentionView:
    fields: dict[str, object] = {
        "source": "voz.vn",
        "source_type": "forum_post",
        "url": f"https://voz.vn/t/mat-song-{index}",
        "title": f"Mất sóng MobiFone diện rộng ở Hà Đông ({index})",
        "text": "Từ sáng đến giờ điện thoại không gọi được, cả khu chung cư đều bị.",
        "author": f"thanh_vien_{index}",
        "author_followers": 1500 + index,
        "interactions": 100 + index,
        "growth_per_hour": 12.5,
        "published_at": OPENED - timedelta(minutes=40),
    }
    fields.update(changes)
    return MentionView(**fields)  # type: ignore[arg-type]


def make_ticket(**changes: object) -> TicketEmail:
    fields: dict[str, object] = {
        "event": "created",
        "number": "SMCC-20261201-0007",
        "level": 3,
        "previous_level": None,
        "topic": "network",
        "owner": "network_ops",
        "coordinating": ["customer_care", "pr", "leadership"],
        "opened_at": OPENED,
        "deadline": OPENED + timedelta(hours=1),
        "late": False,
        "reasons": ["Tương tác tăng 300/giờ trên voz.vn", "Nhiều bài cùng nói về mất sóng"],
        "mentions": [make_mention(0)],
        "ack_url": "https://smcc.example/actions/ack?token=abc",
        "resolve_url": "https://smcc.example/actions/resolve?token=def",
    }
    fields.update(changes)
    return TicketEmail(**fields)  # type: ignore[arg-type]


# Factories as fixtures: test modules never import conftest (other test folders have one too).
@pytest.fixture
def mention_factory():
    return make_mention


@pytest.fixture
def ticket_factory():
    return make_ticket
