"""Vietnamese ticket e-mails and data gate alerts, rendered from Jinja2 templates.

Everything from the outside world (mention text, titles, authors, URLs, reasons) is treated as
hostile: cleaned of control characters, truncated, HTML-escaped by autoescape, and only
http(s) URLs become links. The functions are pure: the caller sends the result.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from smcc.escalation.routing import TICKET_LEVELS, Routing
from smcc.settings import TIMEZONE

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
MAX_MENTIONS = 5
MENTION_TEXT_LIMIT = 600
TITLE_LIMIT = 200
REASON_LIMIT = 300
MAX_REASONS = 10
SUMMARY_LINE_LIMIT = 500
MAX_SUMMARY_LINES = 40
SUBJECT_HEADLINE_LIMIT = 90
URL_LIMIT = 2048
ELLIPSIS = "…"

# Subject tag and heading per ticket event.
EVENTS = {
    "created": ("", "Phiếu xử lý mới"),
    "level_raised": ("[Nâng mức]", "Phiếu được nâng mức"),
    "reminder": ("[Nhắc hạn]", "Nhắc hạn xử lý"),
    "escalated": ("[Quá hạn]", "Phiếu quá hạn – chuyển cấp trên"),
}
SOURCE_TYPE_NAMES = {
    "news_article": "Bài báo",
    "forum_post": "Bài diễn đàn",
    "facebook_post": "Bài đăng Facebook",
    "facebook_comment": "Bình luận Facebook",
}

# C0/C1 controls (tab and newline are kept apart), invisible bidi/zero-width marks that can
# disguise text, and lone surrogates, which would make the message unencodable as UTF-8.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_SPACES = re.compile(r"\s+")


@dataclass
class MentionView:
    source: str
    source_type: str
    url: str
    title: str | None
    text: str
    author: str | None
    author_followers: int | None
    interactions: int
    growth_per_hour: float | None
    published_at: datetime


@dataclass
class TicketEmail:
    event: str
    number: str
    level: int
    previous_level: int | None
    topic: str
    owner: str
    coordinating: list[str]
    opened_at: datetime
    deadline: datetime
    late: bool
    reasons: list[str]
    mentions: list[MentionView]
    ack_url: str
    resolve_url: str


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str


def clean_text(text: str, limit: int) -> str:
    """Printable, NFC-normalised text of at most ``limit`` characters (+ "…" when cut)."""
    head = text[: limit * 4]  # bounds the work on megabyte posts; cleaning only shortens text
    cleaned = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", head))
    cleaned = _INVISIBLE.sub("", cleaned).replace("\t", " ")
    cleaned = _BLANK_LINES.sub("\n\n", cleaned).strip()
    if len(cleaned) <= limit and len(head) == len(text):
        return cleaned
    cut = cleaned[:limit]
    space = cut.rfind(" ", max(0, limit - 40))  # prefer ending on a whole word
    return (cut[:space] if space > 0 else cut).rstrip() + ELLIPSIS


def one_line(text: str, limit: int) -> str:
    """Like :func:`clean_text` but on one line: safe for a mail header."""
    return _SPACES.sub(" ", clean_text(text, limit)).strip()


def safe_url(url: str | None, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """``url`` if it may become a link (allowed scheme, sane length, no controls), else None."""
    if not url or len(url) > URL_LIMIT or _INVISIBLE.search(url) or _SPACES.search(url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes or (parts.scheme.lower() != "file" and not parts.netloc):
        return None
    return url


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment


def local_time(moment: datetime, with_zone: bool = True) -> str:
    """``16:30 01/12/2026 (GMT+7)``: how Vietnamese readers expect a deadline."""
    local = _aware(moment, "time").astimezone(ZoneInfo(TIMEZONE))
    text = f"{local:%H:%M %d/%m/%Y}"
    if not with_zone:
        return text
    offset = local.utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()) // 60, 60)
    return f"{text} (GMT{hours:+d}{f':{rest:02d}' if rest else ''})"


def duration(span: timedelta) -> str:
    """``1 giờ 30 phút``; whole days above 48 h read better as ``3 ngày``."""
    minutes = max(0, round(span.total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    if hours >= 48 and hours % 24 == 0 and not rest:
        return f"{hours // 24} ngày"
    parts = ([f"{hours} giờ"] if hours else []) + ([f"{rest} phút"] if rest or not hours else [])
    return " ".join(parts)


def vn_number(value: float, decimals: int = 0) -> str:
    """Vietnamese digit grouping: 12.345 and 1,5."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _nl2br(text: str) -> Markup:
    return Markup("<br>\n").join(escape(line) for line in str(text).split("\n"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["nl2br"] = _nl2br
    return env


def _render(name: str, subject: str, context: dict[str, Any]) -> RenderedEmail:
    env = _environment()
    context = {**context, "subject": subject}
    return RenderedEmail(
        subject=subject,
        text=env.get_template(f"{name}.txt.j2").render(context),
        html=env.get_template(f"{name}.html.j2").render(context),
    )


def _importance(m: MentionView) -> tuple[float, float, float]:
    return (m.interactions, m.growth_per_hour or 0.0, m.author_followers or 0)


def _growth(per_hour: float | None) -> str | None:
    if per_hour is None:
        return None
    sign = "+" if per_hour >= 0 else "−"
    return sign + vn_number(abs(per_hour), 1 if abs(per_hour) < 10 else 0)


def _mention_context(m: MentionView) -> dict[str, Any]:
    return {
        "source": one_line(m.source, 100),
        "kind": SOURCE_TYPE_NAMES.get(m.source_type, one_line(m.source_type, 40)),
        "url": safe_url(m.url),
        "url_text": one_line(m.url or "", 120),
        "title": one_line(m.title, TITLE_LIMIT) if m.title else None,
        "text": clean_text(m.text, MENTION_TEXT_LIMIT),
        "author": one_line(m.author, 100) if m.author else "Không rõ",
        "followers": vn_number(m.author_followers) if m.author_followers is not None else None,
        "interactions": vn_number(m.interactions),
        "growth": _growth(m.growth_per_hour),
        "published": local_time(m.published_at, with_zone=False),
    }


def _headline(t: TicketEmail, top: list[MentionView]) -> str:
    if top:
        return top[0].title or top[0].text
    return t.reasons[0] if t.reasons else ""


def _intro(t: TicketEmail, routing: Routing, level: str, owner: str) -> str:
    topic = routing.topic_name(t.topic)
    if t.event == "created":
        return f"SMCC vừa mở phiếu {t.number} ({level}) về chủ đề {topic}. Đơn vị chủ trì: {owner}."
    if t.event == "level_raised":
        before = f"từ {_level_label(routing, t.previous_level)} " if t.previous_level is not None else ""
        return f"Phiếu {t.number} được nâng {before}lên {level}. Hạn xử lý được tính lại theo mức mới."
    if t.event == "reminder":
        return f"Phiếu {t.number} ({level}) chưa được xác nhận và sắp đến hạn xử lý. Đơn vị chủ trì: {owner}."
    return (
        f"Phiếu {t.number} ({level}) đã quá hạn xử lý mà chưa được xác nhận; "
        f"thư này được chuyển lên cấp trên theo quy trình. Đơn vị chủ trì: {owner}."
    )


def _level_label(routing: Routing, level: int) -> str:
    return f"Mức {level} - {routing.level_name(level)}"


def _validate_ticket(t: TicketEmail) -> None:
    if t.event not in EVENTS:
        raise ValueError(f"unknown ticket event {t.event!r}; expected one of {', '.join(EVENTS)}")
    if t.level not in TICKET_LEVELS:
        raise ValueError(f"ticket level must be one of {TICKET_LEVELS}, got {t.level!r}")
    _aware(t.opened_at, "opened_at")
    _aware(t.deadline, "deadline")


def render_ticket_email(t: TicketEmail, routing: Routing) -> RenderedEmail:
    """Subject, plain text and HTML of one ticket notification, in Vietnamese."""
    _validate_ticket(t)
    level = _level_label(routing, t.level)
    owner = routing.department(t.owner).name
    ranked = sorted(t.mentions, key=_importance, reverse=True)  # stable: ties keep caller's order
    top = ranked[:MAX_MENTIONS]
    tag, heading = EVENTS[t.event]
    late_tag = "[Phát hiện muộn]" if t.late else ""
    headline = one_line(f"{routing.topic_name(t.topic)}: {_headline(t, top)}", SUBJECT_HEADLINE_LIMIT)
    subject = one_line(f"[SMCC][{level}]{tag}{late_tag} {t.number} {headline}", 250)
    context = {
        "heading": heading,
        "intro": _intro(t, routing, level, owner),
        "number": one_line(t.number, 60),
        "level_label": level,
        "colour": routing.level_colour(t.level),
        "topic": routing.topic_name(t.topic),
        "opened_at": local_time(t.opened_at),
        "deadline": local_time(t.deadline),
        "time_allowed": duration(t.deadline - t.opened_at),
        "owner": owner,
        "coordinating": [routing.department(d).name for d in t.coordinating],
        "late": t.late,
        "reasons": [clean_text(r, REASON_LIMIT) for r in t.reasons[:MAX_REASONS]],
        "more_reasons": max(0, len(t.reasons) - MAX_REASONS),
        "mentions": [_mention_context(m) for m in top],
        "more_mentions": len(ranked) - len(top),
        "playbook": routing.playbook(t.topic).strip().split("\n"),
        "ack_url": safe_url(t.ack_url),
        "resolve_url": safe_url(t.resolve_url),
    }
    return _render("ticket", subject, context)


def render_gate_alert(
    stage: str,
    batch: str,
    run_id: str,
    summary_lines: list[str],
    report_url: str | None,
    routing: Routing,
) -> RenderedEmail:
    """Alert to the data engineers that a data quality gate stopped a batch (Vietnamese + English)."""
    stage_text, batch_text = one_line(stage, 80), one_line(str(batch), 120)
    subject = one_line(f"[SMCC][Cổng chất lượng] Dừng lô {batch_text} ở bước {stage_text} / Data gate failed", 250)
    context = {
        "stage": stage_text,
        "batch": batch_text,
        "run_id": one_line(str(run_id), 250),
        "lines": [clean_text(line, SUMMARY_LINE_LIMIT) for line in summary_lines[:MAX_SUMMARY_LINES]],
        "more_lines": max(0, len(summary_lines) - MAX_SUMMARY_LINES),
        "report_link": safe_url(report_url, ("http", "https", "file")),
        "report_text": one_line(report_url, 300) if report_url else None,
        "colour": routing.level_colour(max(TICKET_LEVELS)),
        "engineers": routing.engineers,
    }
    return _render("gate_alert", subject, context)


SENTIMENT_NAMES = {"negative": "Tiêu cực", "neutral": "Trung lập", "positive": "Tích cực"}
STATE_NAMES = {"open": "Đang mở", "acknowledged": "Đã tiếp nhận", "resolved": "Đã xử lý",
               "false_positive": "Báo nhầm"}


def render_digest(data: Any, routing: Routing, chart_cid: str) -> RenderedEmail:
    """The daily digest for one department or leadership (``smcc.digest.DigestData``)."""
    day = local_time(data.period.end - timedelta(seconds=1), with_zone=False)[-10:]
    subject = one_line(f"[SMCC] Bản tin ngày {day} — {data.audience_name}", 250)
    handled = data.sla_met + data.sla_breached
    context = {
        "heading": f"Bản tin ngày {day}",
        "audience": one_line(data.audience_name, 120),
        "colour": "#1e3a8a",
        "levels": [(_level_label(routing, lvl), routing.level_colour(lvl),
                    data.tickets_by_level.get(lvl, 0)) for lvl in TICKET_LEVELS],
        "states": [(STATE_NAMES.get(k, k), v) for k, v in sorted(data.tickets_by_state.items())],
        "sla_met": data.sla_met, "sla_breached": data.sla_breached,
        "sla_rate": f"{100 * data.sla_met / handled:.0f}%" if handled else "—",
        "topics": [(routing.topic_name(t) if t in routing.topics else t, n)
                   for t, n in sorted(data.mentions_by_topic.items(), key=lambda kv: -kv[1])],
        "sentiments": [(SENTIMENT_NAMES.get(k, k), n)
                       for k, n in sorted(data.mentions_by_sentiment.items())],
        "stories": [{
            "number": one_line(s["number"], 60),
            "level": _level_label(routing, s["level"]), "colour": routing.level_colour(s["level"]),
            "title": clean_text(s["title"], 200), "state": STATE_NAMES.get(s["state"], s["state"]),
            "mentions": vn_number(s["mention_count"]), "interactions": vn_number(s["interactions"]),
            "deadline": local_time(s["deadline"]), "late": s["late"],
        } for s in data.top_stories],
        "late": [{"number": one_line(t["number"], 60), "title": clean_text(t["title"], 200),
                  "topic": routing.topic_name(t["topic"]), "deadline": local_time(t["deadline"])}
                 for t in data.late_tickets],
        "gates": [(g["stage"], g["passed"], g["failed"]) for g in data.gates],
        "chart_cid": chart_cid,
    }
    return _render("digest", subject, context)
