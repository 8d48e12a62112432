"""Renderers of the replay server: markup shaped like the real sites SMCC reads.

News pages follow vnexpress (``title-detail``, ``fck_detail``, JSON-LD) or a generic CMS;
the forum follows XenForo 2 (``structItem``, ``message--post``, ``bbCodeBlock--quote``,
``pageNav``); the Graph API follows the documented JSON (``data``, ``paging``, ``summary``).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from smcc.replay.content import Article, FbComment, FbPost, ForumPost, ForumSection, ForumThread, NewsSite, SampleContent

VIETNAM = timezone(timedelta(hours=7))
FEED_SIZE = 8
THREADS_PER_PAGE = 2
_WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def _vn(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def _iso(moment: datetime) -> str:
    return _vn(moment).isoformat(timespec="seconds")


def _xf_time(moment: datetime) -> str:
    local = _vn(moment)
    stamp = int(local.timestamp())
    return (f'<time class="u-dt" dir="auto" datetime="{local.strftime("%Y-%m-%dT%H:%M:%S%z")}" '
            f'data-time="{stamp}" title="{local.strftime("%d/%m/%Y lúc %H:%M")}">'
            f'{local.strftime("%d/%m/%Y")}</time>')


# -- news -------------------------------------------------------------------------------------

def rss(site: NewsSite, feed: str, articles: list[Article], clock: datetime, base: str) -> str:
    visible = sorted((a for a in articles if a.site == site.key and feed in a.feeds and a.visible(clock)),
                     key=lambda a: a.published(clock), reverse=True)[:FEED_SIZE]
    items = "".join(
        f"""<item>
<title>{escape(a.title)}</title>
<description><![CDATA[<a href="{base}{a.path}"><img src="{base}/static/{a.id}.jpg"></a></br>{a.summary}]]></description>
<pubDate>{format_datetime(_vn(a.published(clock)))}</pubDate>
<link>{base}{a.path}</link>
<guid>{base}{a.path}</guid>
</item>
""" for a in visible)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>{escape(feed)} - {escape(site.name)} RSS</title>
<description>{escape(site.name)} RSS</description>
<pubDate>{format_datetime(_vn(clock))}</pubDate>
<generator>{escape(site.name)}</generator>
<link>{base}/{site.key}/rss/{feed}.rss</link>
{items}</channel></rss>
"""


def article_page(site: NewsSite, article: Article, clock: datetime, base: str) -> str:
    return (_vnexpress_like if site.markup == "vnexpress_like" else _generic_article)(site, article, clock, base)


def _menu(site: NewsSite) -> str:
    return (f'<header><nav><a href="/{site.key}/">Trang chủ</a> <a href="/{site.key}/thoi-su">Thời sự</a> '
            f'<a href="/{site.key}/so-hoa">Số hóa</a> <a href="/{site.key}/the-thao">Thể thao</a></nav></header>')


def _vnexpress_like(site: NewsSite, a: Article, clock: datetime, base: str) -> str:
    published = _vn(a.published(clock))
    ld = {
        "@context": "http://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": f"{base}{a.path}"},
        "headline": a.title, "description": a.summary, "datePublished": _iso(published),
        "author": {"@type": "Person", "name": a.author},
        "publisher": {"@type": "Organization", "name": site.name},
    }
    paragraphs = "".join(f'<p class="Normal">{escape(p.strip())}</p>' for p in a.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(a.title)} - {escape(site.name)}</title>
<meta property="og:title" itemprop="headline" content="{escape(a.title)}">
<meta name="pubdate" itemprop="datePublished" content="{_iso(published)}">
<meta name="author" content="{escape(site.name)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<script>window.dataLayer = [{{"pageType": "article"}}];</script>
</head><body>
{_menu(site)}
<section class="section page-detail top-detail"><div class="container"><div class="sidebar-1">
<div class="header-content"><span class="date">{_WEEKDAYS[published.weekday()]}, {published.strftime("%d/%m/%Y, %H:%M")} (GMT+7)</span></div>
<h1 class="title-detail">{escape(a.title)}</h1>
<p class="description">{escape(a.summary.strip())}</p>
<article class="fck_detail">{paragraphs}<p class="Normal" style="text-align:right;"><strong>{escape(a.author)}</strong></p></article>
<div class="box-comment"><p>Ý kiến bạn đọc</p></div>
</div><div class="sidebar-2"><ul class="list-news"><li><a href="/{site.key}/">Tin liên quan</a></li></ul></div>
</div></section>
<footer><p>© {escape(site.name)}. Bản quyền thuộc về tòa soạn.</p></footer>
</body></html>
"""


def _generic_article(site: NewsSite, a: Article, clock: datetime, base: str) -> str:
    published = _vn(a.published(clock))
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in [a.summary, *a.paragraphs])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(a.title)} | {escape(site.name)}</title>
<meta property="og:title" content="{escape(a.title)}">
<meta property="article:published_time" content="{_iso(published)}">
<meta name="author" content="{escape(a.author)}">
</head><body>
{_menu(site)}
<div class="main"><div class="breadcrumb"><a href="/{site.key}/">{escape(site.name)}</a></div>
<h1 class="post-title">{escape(a.title)}</h1>
<div class="post-meta">{published.strftime("%d/%m/%Y %H:%M")} - <span class="author">{escape(a.author)}</span></div>
<div class="post-content">{paragraphs}</div>
<div class="related"><p>Xem thêm</p><p><a href="/{site.key}/">Tin khác</a></p></div>
</div><footer><p>Liên hệ quảng cáo</p></footer></body></html>
"""


def sitemap_index(site: NewsSite, articles: list[Article], clock: datetime, base: str) -> str:
    days: dict[str, datetime] = {}
    for a in articles:
        if a.site == site.key and a.visible(clock):
            day = _vn(a.published(clock)).date().isoformat()
            days[day] = max(days.get(day, a.published(clock)), a.published(clock))
    entries = "".join(f"<sitemap><loc>{base}/{site.key}/sitemaps/{day}.xml</loc><lastmod>{_iso(mod)}</lastmod></sitemap>\n"
                      for day, mod in sorted(days.items(), reverse=True))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')


def sitemap_day(site: NewsSite, articles: list[Article], clock: datetime, base: str, day: str) -> str | None:
    chosen = [a for a in articles if a.site == site.key and a.visible(clock)
              and _vn(a.published(clock)).date().isoformat() == day]
    if not chosen:
        return None
    entries = "".join(f"""<url><loc>{base}{a.path}</loc><lastmod>{_iso(a.published(clock))}</lastmod>
<news:news><news:publication><news:name>{escape(site.name)}</news:name><news:language>vi</news:language></news:publication>
<news:publication_date>{_iso(a.published(clock))}</news:publication_date><news:title>{escape(a.title)}</news:title></news:news></url>
""" for a in sorted(chosen, key=lambda a: a.published(clock), reverse=True))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{entries}</urlset>\n')


# -- forum ------------------------------------------------------------------------------------

def _page_nav(base_path: str, page: int, last: int, endless: bool) -> str:
    if last <= 1 and not endless:
        return ""
    def href(n: int) -> str:
        return base_path if n == 1 else f"{base_path}page-{n}"
    prev = f'<a href="{href(page - 1)}" class="pageNav-jump pageNav-jump--prev">Trước</a>' if page > 1 else ""
    nxt = (f'<a href="{href(page + 1)}" class="pageNav-jump pageNav-jump--next">Tiếp</a>'
           if page < last or endless else "")
    pages = "".join(
        f'<li class="pageNav-page{" pageNav-page--current" if n == page else ""}"><a href="{href(n)}">{n}</a></li>'
        for n in range(1, max(last, page) + 1))
    return (f'<div class="block-outer"><nav class="pageNavWrapper"><div class="pageNav">{prev}'
            f'<ul class="pageNav-main">{pages}</ul>{nxt}</div></nav></div>')


def _forum_page(forum: str, title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html id="XF" lang="vi-VN" data-app="public" data-template="forum_view"><head><meta charset="utf-8">
<title>{escape(title)} | {escape(forum)}</title></head><body>
<div class="p-pageWrapper"><header class="p-header"><a href="/diendan/">{escape(forum)}</a></header>
<div class="p-body"><div class="p-body-header"><div class="p-title"><h1 class="p-title-value">{escape(title)}</h1></div></div>
<div class="p-body-main">{body}</div></div>
<footer class="p-footer">Diễn đàn sử dụng XenForo®</footer></div></body></html>
"""


def section_page(content: SampleContent, section: ForumSection, page: int, clock: datetime,
                 endless: bool) -> str | None:
    threads = [t for t in content.threads if t.section == section.id and t.visible_posts(clock)]
    threads.sort(key=lambda t: t.visible_posts(clock)[-1].published(clock), reverse=True)
    last = max(1, -(-len(threads) // THREADS_PER_PAGE))
    if page > last and not endless:
        return None
    # The endless fault keeps offering a next page that repeats the first one.
    shown_page = page if page <= last else 1
    chunk = threads[(shown_page - 1) * THREADS_PER_PAGE: shown_page * THREADS_PER_PAGE]
    items = "".join(_thread_item(t, clock) for t in chunk)
    body = (f'{_page_nav(section.path, page, last, endless)}<div class="block-container">'
            f'<div class="block-body"><div class="structItemContainer">'
            f'<div class="structItemContainer-group js-threadList">{items}</div></div></div></div>'
            f'{_page_nav(section.path, page, last, endless)}')
    return _forum_page(content.forum_name, section.title, body)


def _thread_item(thread: ForumThread, clock: datetime) -> str:
    posts = thread.visible_posts(clock)
    first, latest = posts[0], posts[-1]
    return f"""<div class="structItem structItem--thread js-inlineModContainer js-threadListItem-{thread.id}" data-author="{escape(first.author)}">
<div class="structItem-cell structItem-cell--main"><div class="structItem-title">
<a href="{thread.path}" class="" data-tp-primary="on" data-xf-init="preview-tooltip">{escape(thread.title)}</a></div>
<div class="structItem-minor"><ul class="structItem-parts"><li><a class="username" data-user-id="0">{escape(first.author)}</a></li>
<li class="structItem-startDate"><a href="{thread.path}" rel="nofollow">{_xf_time(first.published(clock))}</a></li></ul></div></div>
<div class="structItem-cell structItem-cell--meta"><dl class="pairs pairs--justified"><dt>Trả lời</dt><dd>{len(posts) - 1}</dd></dl></div>
<div class="structItem-cell structItem-cell--latest"><a href="{thread.path}latest" rel="nofollow">{_xf_time(latest.published(clock)).replace('class="u-dt"', 'class="structItem-latestDate u-dt"')}</a>
<div class="structItem-minor"><a class="username">{escape(latest.author)}</a></div></div>
</div>
"""


def thread_last_page(content: SampleContent, thread: ForumThread, clock: datetime) -> int:
    return max(1, -(-len(thread.visible_posts(clock)) // content.posts_per_page))


def thread_page(content: SampleContent, thread: ForumThread, page: int, clock: datetime, loop: bool) -> str | None:
    posts = thread.visible_posts(clock)
    last = thread_last_page(content, thread, clock)
    if not posts or page > last:
        return None
    chunk = posts[(page - 1) * content.posts_per_page: page * content.posts_per_page]
    articles = "".join(_post(thread, p, clock) for p in chunk)
    nav = _page_nav(thread.path, page, last, endless=False)
    if loop and page == 1:
        # The loop fault makes the first page point "back" to the newest page again.
        nav = nav + f'<a href="{thread.path}page-{last}" class="pageNav-jump pageNav-jump--prev">Trước</a>'
    body = f'{nav}<div class="block-container lbContainer"><div class="block-body js-replyNewMessageContainer">{articles}</div></div>{nav}'
    return _forum_page(content.forum_name, thread.title, body)


def _post(thread: ForumThread, post: ForumPost, clock: datetime) -> str:
    quote = ""
    if post.quote is not None:
        quoted = thread.posts[post.quote]
        quote = (f'<blockquote data-attributes="member: 0" data-quote="{escape(quoted.author)}" data-source="post: {quoted.id}" '
                 f'class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch">'
                 f'<div class="bbCodeBlock-title"><a href="/diendan/goto/post?id={quoted.id}" class="bbCodeBlock-sourceJump">'
                 f'{escape(quoted.author)} said:</a></div><div class="bbCodeBlock-content">'
                 f'<div class="bbCodeBlock-expandContent js-expandContent ">{escape(quoted.text)}</div>'
                 f'<div class="bbCodeBlock-expandLink js-expandLink"><a role="button" tabindex="0">Click to expand...</a></div>'
                 f'</div></blockquote>')
    return f"""<article class="message message--post js-post js-inlineModContainer" data-author="{escape(post.author)}" data-content="post-{post.id}" id="js-post-{post.id}">
<span class="u-anchorTarget" id="post-{post.id}"></span><div class="message-inner">
<div class="message-cell message-cell--user"><section class="message-user"><div class="message-userDetails">
<h4 class="message-name"><a class="username" dir="auto">{escape(post.author)}</a></h4><h5 class="userTitle message-userTitle">Thành viên</h5></div></section></div>
<div class="message-cell message-cell--main"><div class="message-main js-quickEditTarget">
<header class="message-attribution message-attribution--split"><ul class="message-attribution-main listInline ">
<li class="u-concealed"><a href="{thread.path}post-{post.id}" rel="nofollow">{_xf_time(post.published(clock))}</a></li></ul>
<ul class="message-attribution-opposite listInline"><li><a href="{thread.path}post-{post.id}">#</a></li></ul></header>
<div class="message-content js-messageContent"><div class="message-userContent lbContainer js-lbContainer">
<article class="message-body js-selectToQuote"><div class="bbWrapper">{quote}{escape(post.text)}</div></article></div></div>
<footer class="message-footer">{_reactions(post)}</footer></div></div></div></article>
"""


def _reactions(post: ForumPost) -> str:
    if post.reactions <= 0:
        return ""
    named = min(post.reactions, 2)
    names = ", ".join(f"<bdi>thanhvien{post.id % 97 + n}</bdi>" for n in range(named))
    others = f" và {post.reactions - named} người khác" if post.reactions > named else ""
    return (f'<div class="reactionsBar js-reactionsList is-active"><ul class="reactionSummary"><li>'
            f'<span class="reaction reaction--small reaction--1"></span></li></ul>'
            f'<a class="reactionsBar-link" href="/diendan/posts/{post.id}/reactions" rel="nofollow">{names}{others}</a></div>')


# -- Graph API --------------------------------------------------------------------------------

def _user_id(name: str) -> str:
    # Deterministic across runs (hash() is salted per process).
    return f"1000{sum(ord(c) * (i + 1) for i, c in enumerate(name)) % 10**8:08d}"


def graph_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_post(post: FbPost, page_id: str, clock: datetime) -> dict[str, Any]:
    visible_comments = [c for c in post.comments if c.visible(clock)]
    object_id = post.id.split("_", 1)[1]
    author_id = page_id if not post.visitor else _user_id(post.author)
    return {
        "id": post.id,
        "message": post.message,
        "created_time": graph_time(post.published(clock)),
        "permalink_url": f"https://www.facebook.com/{page_id}/posts/{object_id}",
        "from": {"id": author_id, "name": post.author},
        "shares": {"count": post.shares},
        "reactions": {"data": [], "summary": {"total_count": post.reactions, "viewer_reaction": "NONE"}},
        "comments": {"data": [], "summary": {"order": "ranked", "total_count": len(visible_comments), "can_comment": True}},
    }


def graph_comment(comment: FbComment, post: FbPost, clock: datetime) -> dict[str, Any]:
    object_id = post.id.split("_", 1)[1]
    return {
        "id": comment.id,
        "message": comment.message,
        "created_time": graph_time(comment.published(clock)),
        "from": {"id": _user_id(comment.author), "name": comment.author},
        "like_count": comment.likes,
        "comment_count": 0,
        "permalink_url": f"https://www.facebook.com/{object_id}?comment_id={comment.id.split('_', 1)[1]}",
    }


def graph_page(data: list[dict[str, Any]], offset: int, limit: int, next_base: str, query: dict[str, str],
               endless: bool) -> dict[str, Any]:
    """One page of a Graph edge with cursor paging (``after`` is an opaque offset here)."""
    chunk = data[offset: offset + limit]
    body: dict[str, Any] = {"data": chunk}
    if chunk or endless:
        cursors = {"before": _cursor(offset), "after": _cursor(offset + len(chunk))}
        body["paging"] = {"cursors": cursors}
        if offset + limit < len(data) or endless:
            # The endless fault points the cursor back to the start: a paging loop.
            after = _cursor(0) if endless and offset + limit >= len(data) else cursors["after"]
            body["paging"]["next"] = f"{next_base}?{urlencode({**query, 'after': after})}"
    return body


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def cursor_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        return int(base64.urlsafe_b64decode(padded).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        return -1
