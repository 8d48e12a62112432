"""Domain records passed between stages (plain dataclasses, no Airflow, no database)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

# What kind of item a mention is; drives level rules (a news article weighs more than a comment).
SOURCE_TYPES = ("news_article", "forum_post", "facebook_post", "facebook_comment")


@dataclass(frozen=True)
class Interval:
    """A data interval ``[start, end)`` in UTC, as given by the DAG's timetable."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval bounds must be timezone-aware")
        if self.end <= self.start:
            raise ValueError(f"empty interval: {self.start.isoformat()} .. {self.end.isoformat()}")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @classmethod
    def parse(cls, start: str | datetime, end: str | datetime) -> "Interval":
        def as_dt(value: str | datetime) -> datetime:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError(f"interval bound without a timezone: {value}")
            utc = moment.astimezone(timezone.utc)
            # A plain datetime: pendulum's (Airflow's) subclass misbehaves in arithmetic.
            return datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second,
                            utc.microsecond, tzinfo=timezone.utc)

        return cls(as_dt(start), as_dt(end))

    def key(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass
class Mention:
    """One item collected from a source: an article, a forum post, a Facebook post or comment.

    ``external_id`` is the source's own id (stable across crawls) and, with ``source``, the
    natural key in the warehouse. ``text`` is the author's own words; text the author quoted
    from someone else goes to ``quoted_text`` so it is not scored twice.
    """

    source: str
    external_id: str
    source_type: str
    url: str
    published_at: datetime
    text: str
    title: str | None = None
    author: str | None = None
    author_followers: int | None = None
    quoted_text: str | None = None
    parent_external_id: str | None = None
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def interactions(self) -> int:
        return self.reactions + self.comments + self.shares

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
