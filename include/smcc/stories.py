"""Stories: near-duplicate and same-event mentions grouped, with a level recomputed as they grow.

A mention joins the most recent story of the same brand and topic whose SimHash signature is
within ``max_distance`` bits (syndicated articles, copied posts), or, for event topics such as
network outages, any negative story of that topic in the last ``event_window`` (many people
reporting the same outage in their own words). Otherwise it opens a story of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from smcc.db import json_param


@dataclass(frozen=True)
class StoryRules:
    window: timedelta = timedelta(hours=24)
    max_distance: int = 12
    event_topics: tuple[str, ...] = ("network",)
    event_window: timedelta = timedelta(hours=3)


def _find_story(candidates: list[dict[str, Any]], row: dict[str, Any], signature: int,
                rules: StoryRules) -> int | None:
    """The story this mention belongs to, among its brand and topic's recent stories."""
    from smcc.nlp.similarity import hamming

    published: datetime = row["published_at"]
    recent = [c for c in candidates if c["last_published_at"] >= published - rules.window]
    for story in recent:
        if hamming(story["signature"], signature) <= rules.max_distance:
            return story["id"]
    if row["topic"] in rules.event_topics and row["sentiment"] == "negative":
        for story in recent:
            if story["last_published_at"] >= published - rules.event_window:
                return story["id"]
    return None


def assign_stories(tx: Any, at: datetime, own_brand: str,
                   rules: StoryRules = StoryRules()) -> set[int]:
    """Attach every relevant scored mention without a story; return the stories touched.

    Stories of ``own_brand`` (the customer's) can be ticketed; competitors' are only followed.

    Candidate stories are read once per brand and topic and kept up to date in memory, so
    the cost grows with the mentions, not with mentions times stories. New stories and the
    mentions' links are written at the end, a statement each.
    """
    from smcc.nlp.similarity import signature as simhash

    rows = tx.fetch_all("scores_without_story")
    candidates: dict[tuple[str, str], list[dict[str, Any]]] = {}
    new_stories: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for row in rows:
        group = (row["brand"], row["topic"])
        if group not in candidates:
            earliest = min(r["published_at"] for r in rows if (r["brand"], r["topic"]) == group)
            candidates[group] = tx.fetch_all("story_candidates", {
                "brand": row["brand"], "topic": row["topic"], "since": earliest - rules.window})
        signature = simhash(row["normalized_text"])
        story_id = _find_story(candidates[group], row, signature, rules)
        if story_id is None:
            # Until its id is reserved below, a new story is known by -(its position + 1).
            story_id = -len(new_stories) - 1
            title = (row["title"] or row["text"] or "").strip().replace("\n", " ")[:200]
            new_stories.append({
                "brand": row["brand"], "topic": row["topic"], "signature": signature,
                "title": title or "(không có tiêu đề)", "published_at": row["published_at"],
                "own_brand": row["brand"] == own_brand})
            candidates[group].insert(0, {"id": story_id, "signature": signature,
                                         "last_published_at": row["published_at"]})
        else:
            story = next(c for c in candidates[group] if c["id"] == story_id)
            story["last_published_at"] = max(story["last_published_at"], row["published_at"])
        links.append({"story_id": story_id, "mention_id": row["mention_id"], "brand": row["brand"]})
    if new_stories:
        # Ids in order of creation, as one insert per story would have given them.
        ids = sorted(r["id"] for r in tx.fetch_all("story_ids_reserve", {"n": len(new_stories)}))
        for story, story_id in zip(new_stories, ids):
            story["id"] = story_id
        tx.execute("story_insert_batch", {"rows": json_param(new_stories), "at": at})
        for link in links:
            if link["story_id"] < 0:
                link["story_id"] = ids[-link["story_id"] - 1]
    if links:
        tx.execute("score_set_story_batch", {"rows": json_param(links)})
    return {link["story_id"] for link in links}


def growth_per_hour(mention: dict[str, Any]) -> float | None:
    """Interactions gained per hour since the previous engagement snapshot."""
    if mention["previous_observed_at"] is None:
        return None
    hours = (mention["observed_at"] - mention["previous_observed_at"]).total_seconds() / 3600
    if hours <= 0:
        return None
    return max(0.0, (mention["interactions"] - mention["previous_interactions"]) / hours)


def mentions_by_story(tx: Any, story_ids: list[int], at: datetime
                      ) -> dict[int, list[dict[str, Any]]]:
    """The stories' relevant mentions by story id, most important first, each with its growth
    per hour at ``at``, read in one query."""
    by_story: dict[int, list[dict[str, Any]]] = {}
    for m in tx.fetch_all("story_mentions", {"story_ids": story_ids, "at": at}):
        m["observed_at"] = at
        m["growth_per_hour"] = growth_per_hour(m)
        by_story.setdefault(m["story_id"], []).append(m)
    return by_story


def mentions_with_growth(tx: Any, story_id: int, at: datetime) -> list[dict[str, Any]]:
    """The story's mentions, most important first, each with its growth per hour at ``at``."""
    return mentions_by_story(tx, [story_id], at).get(story_id, [])


def volume_ratio(tx: Any, brand: str, topic: str, at: datetime,
                 cache: dict[tuple[str, str], float]) -> float:
    """Mentions of the topic in the last hour against its hourly rate over the 12 before
    (0 without a baseline); read once per brand and topic per run."""
    if (brand, topic) not in cache:
        volume = tx.fetch_one("topic_volume", {"brand": brand, "topic": topic, "at": at})
        baseline_per_hour = volume["baseline"] / 12
        cache[(brand, topic)] = volume["last_hour"] / baseline_per_hour if baseline_per_hour else 0.0
    return cache[(brand, topic)]


def refresh_stories(tx: Any, stories: list[dict[str, Any]], at: datetime, level_rules: Any
                    ) -> dict[int, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Recompute the totals and level at ``at`` of ``stories`` (``stories_meta`` rows), all
    written in one statement; returns (story fields, mentions) by story id. A story with no
    relevant mention left (after a re-scoring) is left out and kept as it was."""
    from smcc.nlp.levels import story_level

    mentions_of = mentions_by_story(tx, [story["id"] for story in stories], at)
    volumes: dict[tuple[str, str], float] = {}
    refreshed: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for story in stories:
        mentions = mentions_of.get(story["id"])
        if not mentions:
            continue
        interactions = sum(m["interactions"] for m in mentions)
        velocity = sum(m["growth_per_hour"] or 0.0 for m in mentions)
        level, reasons = story_level([m["level"] for m in mentions], interactions, velocity,
                                     volume_ratio(tx, story["brand"], story["topic"], at, volumes),
                                     level_rules)
        top = max(m["level"] for m in mentions)
        mention_reasons = [r for m in mentions if m["level"] == top for r in m["reasons"]]
        refreshed[story["id"]] = ({
            "story_id": story["id"], "at": at, "level": level,
            "reasons": list(dict.fromkeys(mention_reasons + list(reasons))),
            "interactions": interactions, "mention_count": len(mentions),
            "first_published_at": min(m["published_at"] for m in mentions),
            "last_published_at": max(m["published_at"] for m in mentions),
            "detected_at": max(m["interval_end"] for m in mentions),
            # Found only by late runs and no longer growing: handled under the late policy.
            "late": all(m["late"] for m in mentions)
                    and not any((m["growth_per_hour"] or 0) > 0 for m in mentions),
        }, mentions)
    if refreshed:
        tx.execute("story_update_batch", {
            "rows": json_param([fields for fields, _ in refreshed.values()]), "at": at})
    return refreshed
