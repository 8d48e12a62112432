"""Who handles which ticket, by when, and who hears about it when it is late.

Two files feed it: ``config/routing.yaml`` (levels, SLAs, departments, the topic x level
matrix) and ``config/playbook.yaml`` (suggested first response per topic). Both are checked
as a whole when loaded, so a typo in a department id fails at start-up instead of silently
dropping the e-mail of a crisis ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field

from smcc.config import ConfigError, StrictModel, load_config
from smcc.settings import config_file

TICKET_LEVELS = (1, 2, 3)
ALL_LEVELS = (0, *TICKET_LEVELS)
# Used when a level omits sla_hours: the response times agreed with the model customer.
DEFAULT_SLA_HOURS = {1: 24.0, 2: 4.0, 3: 1.0}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


Email = Annotated[str, AfterValidator(_email)]
NonEmpty = Annotated[str, Field(min_length=1)]


class _LevelConfig(StrictModel):
    name: NonEmpty
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
    sla_hours: Annotated[float, Field(gt=0)] | None = None


class _DepartmentConfig(StrictModel):
    name: NonEmpty
    emails: Annotated[list[Email], Field(min_length=1)]
    head_emails: Annotated[list[Email], Field(min_length=1)]


class _RouteConfig(StrictModel):
    owner: NonEmpty
    coordinating: list[NonEmpty] = []


class _TopicConfig(StrictModel):
    name: NonEmpty
    routes: dict[int, _RouteConfig]


class LatePolicy(StrictModel):
    """How mentions found late (by a backfill, or a run far behind its interval) escalate."""

    # A scheduled run that starts this long after its interval ended counts as late too.
    late_after_minutes: Annotated[int, Field(gt=0)] = 120
    # Late level-1 tickets are listed in the next digest instead of e-mailed one by one.
    level1_to_digest: bool = True


class _RoutingConfig(StrictModel):
    reminder_fraction: Annotated[float, Field(gt=0, lt=1)] = 0.75
    late_policy: LatePolicy = LatePolicy()
    levels: dict[int, _LevelConfig]
    departments: dict[str, _DepartmentConfig]
    leadership_department: NonEmpty
    engineers: Annotated[list[Email], Field(min_length=1)]
    always_coordinating: dict[int, list[NonEmpty]] = {}
    topics: dict[str, _TopicConfig]


class _PlaybookConfig(StrictModel):
    topics: dict[str, NonEmpty]


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    emails: list[str]
    head_emails: list[str]


@dataclass(frozen=True)
class Route:
    owner: str
    coordinating: list[str]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class Routing:
    """Validated routing rules; build it with :func:`load_routing`."""

    def __init__(self, config: _RoutingConfig, playbook: _PlaybookConfig) -> None:
        self._config = config
        self._playbook = playbook

    @property
    def topics(self) -> list[str]:
        return list(self._config.topics)

    @property
    def late_policy(self) -> LatePolicy:
        return self._config.late_policy

    @property
    def departments(self) -> list[str]:
        return list(self._config.departments)

    @property
    def leadership_department(self) -> str:
        return self._config.leadership_department

    def topic_name(self, topic: str) -> str:
        """Vietnamese name of a topic, e.g. ``network`` -> ``Mạng``."""
        return self._topic(topic).name

    def route(self, topic: str, level: int) -> Route:
        rule = self._topic(topic).routes[_ticket_level(level)]  # completeness checked at load time
        extra = self._config.always_coordinating.get(level, [])
        coordinating = [d for d in _unique([*rule.coordinating, *extra]) if d != rule.owner]
        return Route(owner=rule.owner, coordinating=coordinating)

    def sla(self, level: int) -> timedelta:
        hours = self._level(_ticket_level(level)).sla_hours
        return timedelta(hours=DEFAULT_SLA_HOURS[level] if hours is None else hours)

    def reminder_at(self, opened_at: datetime, level: int) -> datetime:
        """When to remind the owner: ``reminder_fraction`` of the SLA after opening."""
        return opened_at + self.sla(level) * self._config.reminder_fraction

    def escalation_chain(self, owner: str) -> list[list[str]]:
        """Who to alert when a ticket stays unanswered: first the owner's head(s), then leadership."""
        return [list(self.department(owner).head_emails), self.leadership]

    def recipients(self, department_ids: list[str]) -> list[str]:
        """E-mail addresses of the given departments, without duplicates, in order."""
        return _unique([email for d in department_ids for email in self.department(d).emails])

    def department(self, department_id: str) -> Department:
        entry = self._config.departments.get(department_id)
        if entry is None:
            raise KeyError(f"unknown department {department_id!r}; known: {', '.join(self._config.departments)}")
        return Department(department_id, entry.name, list(entry.emails), list(entry.head_emails))

    @property
    def leadership(self) -> list[str]:
        """Mailboxes of the leadership department: step 2 of every chain, copied on every crisis."""
        return self.department(self._config.leadership_department).emails

    @property
    def engineers(self) -> list[str]:
        return list(self._config.engineers)

    def level_name(self, level: int) -> str:
        return self._level(level).name

    def level_colour(self, level: int) -> str:
        return self._level(level).colour

    def playbook(self, topic: str) -> str:
        self._topic(topic)
        return self._playbook.topics[topic]

    def _topic(self, topic: str) -> _TopicConfig:
        entry = self._config.topics.get(topic)
        if entry is None:
            raise KeyError(f"unknown topic {topic!r}; known: {', '.join(self._config.topics)}")
        return entry

    def _level(self, level: int) -> _LevelConfig:
        entry = self._config.levels.get(level)
        if entry is None:
            raise ValueError(f"unknown level {level!r}; levels are {ALL_LEVELS[0]}..{ALL_LEVELS[-1]}")
        return entry


def _ticket_level(level: int) -> int:
    if level not in TICKET_LEVELS:
        raise ValueError(f"level {level!r} opens no ticket; ticket levels are {TICKET_LEVELS}")
    return level


def _check_levels(config: _RoutingConfig) -> list[str]:
    problems = [f"levels: level {lvl} missing" for lvl in ALL_LEVELS if lvl not in config.levels]
    problems += [f"levels: unexpected level {lvl} (levels are 0..3)" for lvl in config.levels if lvl not in ALL_LEVELS]
    if 0 in config.levels and config.levels[0].sla_hours is not None:
        problems.append("levels.0.sla_hours: level 0 only watches and opens no ticket, so it has no SLA")
    return problems


def _check_department_refs(config: _RoutingConfig) -> list[str]:
    known = config.departments
    refs = [("leadership_department", config.leadership_department)]
    refs += [(f"always_coordinating.{lvl}", d) for lvl, ids in config.always_coordinating.items() for d in ids]
    for topic, entry in config.topics.items():
        for lvl, rule in entry.routes.items():
            refs.append((f"topics.{topic}.routes.{lvl}.owner", rule.owner))
            refs += [(f"topics.{topic}.routes.{lvl}.coordinating", d) for d in rule.coordinating]
    return [f"{where}: unknown department {d!r} (known: {', '.join(known)})" for where, d in refs if d not in known]


def _check_matrix(config: _RoutingConfig) -> list[str]:
    problems = [
        f"always_coordinating: unexpected level {lvl} (ticket levels are 1..3)"
        for lvl in config.always_coordinating
        if lvl not in TICKET_LEVELS
    ]
    for topic, entry in config.topics.items():
        problems += [f"topics.{topic}.routes: level {lvl} not routed" for lvl in TICKET_LEVELS if lvl not in entry.routes]
        problems += [
            f"topics.{topic}.routes: unexpected level {lvl} (ticket levels are 1..3)"
            for lvl in entry.routes
            if lvl not in TICKET_LEVELS
        ]
    return problems


def _check_playbook(config: _RoutingConfig, playbook: _PlaybookConfig) -> list[str]:
    missing = [f"topics: no first response for topic {t!r}" for t in config.topics if t not in playbook.topics]
    unknown = [f"topics.{t}: not a topic of the routing file" for t in playbook.topics if t not in config.topics]
    return missing + unknown


def load_routing(path: Path | str | None = None, playbook_path: Path | str | None = None) -> Routing:
    """Load and cross-check routing and playbook; raise :class:`ConfigError` naming file and key."""
    path = Path(path) if path else config_file("routing.yaml", "SMCC_ROUTING_FILE")
    playbook_path = Path(playbook_path) if playbook_path else config_file("playbook.yaml", "SMCC_PLAYBOOK_FILE")
    config = load_config(path, _RoutingConfig)
    problems = _check_levels(config) + _check_department_refs(config) + _check_matrix(config)
    if problems:
        raise ConfigError("\n".join(f"{path}: {p}" for p in problems))
    playbook = load_config(playbook_path, _PlaybookConfig)
    problems = _check_playbook(config, playbook)
    if problems:
        raise ConfigError("\n".join(f"{playbook_path}: {p}" for p in problems))
    return Routing(config, playbook)
