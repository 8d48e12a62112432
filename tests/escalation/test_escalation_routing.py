from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from smcc.config import ConfigError
from smcc.escalation.routing import Routing, load_routing
from smcc.settings import config_file

TOPICS = ("network", "billing", "customer_service", "promotion", "fraud", "subscription", "other")


def _shipped(name: str) -> dict[str, Any]:
    return yaml.safe_load(config_file(name, "UNUSED_SMCC_TEST_VAR").read_text(encoding="utf-8"))


def _load_modified(tmp_path: Path, change: Callable[[dict[str, Any]], None], name: str = "routing.yaml") -> Routing:
    """Load the shipped config after ``change`` was applied to one of its two files."""
    data = _shipped(name)
    change(data)
    paths = {n: config_file(n, "UNUSED_SMCC_TEST_VAR") for n in ("routing.yaml", "playbook.yaml")}
    paths[name] = tmp_path / name
    paths[name].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_routing(paths["routing.yaml"], playbook_path=paths["playbook.yaml"])


def test_shipped_config_routes_every_topic_and_level(routing: Routing) -> None:
    assert set(TOPICS) <= set(routing.topics)
    for topic in routing.topics:
        for level in (1, 2, 3):
            route = routing.route(topic, level)
            assert routing.department(route.owner).emails
            assert route.owner not in route.coordinating
            assert len(set(route.coordinating)) == len(route.coordinating)


def test_crisis_always_coordinates_pr_and_leadership(routing: Routing) -> None:
    for topic in routing.topics:
        route = routing.route(topic, 3)
        involved = {route.owner, *route.coordinating}
        assert {"pr", "leadership"} <= involved, topic
        assert set(routing.leadership) <= set(routing.recipients([route.owner, *route.coordinating]))


def test_network_is_owned_by_network_operations(routing: Routing) -> None:
    assert routing.route("network", 1).owner == "network_ops"
    assert routing.department("network_ops").name == "Trung tâm Điều hành mạng"


def test_default_slas_and_reminder_at_three_quarters(routing: Routing) -> None:
    assert [routing.sla(level) for level in (1, 2, 3)] == [timedelta(hours=24), timedelta(hours=4), timedelta(hours=1)]
    opened = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    assert routing.reminder_at(opened, 3) == opened + timedelta(minutes=45)
    assert routing.reminder_at(opened, 1) == opened + timedelta(hours=18)


def test_sla_defaults_apply_when_omitted(tmp_path: Path) -> None:
    def drop_slas(data: dict[str, Any]) -> None:
        for level in data["levels"].values():
            level.pop("sla_hours", None)
        data.pop("reminder_fraction")

    routing = _load_modified(tmp_path, drop_slas)
    assert routing.sla(2) == timedelta(hours=4)
    opened = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert routing.reminder_at(opened, 2) == opened + timedelta(hours=3)


def test_level_zero_has_a_name_but_no_ticket(routing: Routing) -> None:
    assert routing.level_name(0) == "Theo dõi"
    assert routing.level_name(3) == "Khủng hoảng"
    assert routing.level_colour(3).startswith("#")
    with pytest.raises(ValueError):
        routing.sla(0)
    with pytest.raises(ValueError):
        routing.route("network", 0)


def test_unknown_topic_and_department_are_refused(routing: Routing) -> None:
    with pytest.raises(KeyError, match="weather"):
        routing.route("weather", 1)
    with pytest.raises(KeyError, match="marketing_x"):
        routing.recipients(["marketing_x"])


def test_escalation_chain_goes_to_head_then_leadership(routing: Routing) -> None:
    chain = routing.escalation_chain("billing")
    assert chain == [routing.department("billing").head_emails, routing.leadership]
    assert chain[1] and all("@" in email for email in chain[1])


def test_recipients_are_deduplicated_in_order(routing: Routing) -> None:
    emails = routing.recipients(["billing", "customer_care", "billing"])
    assert emails == [*routing.department("billing").emails, *routing.department("customer_care").emails]


def test_every_topic_has_a_vietnamese_playbook(routing: Routing) -> None:
    for topic in routing.topics:
        assert routing.playbook(topic).strip()
    assert "khách hàng" in routing.playbook("billing")


def test_engineers_are_listed(routing: Routing) -> None:
    assert routing.engineers and all("@" in e for e in routing.engineers)


def test_env_var_overrides_routing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "custom.yaml"
    data = _shipped("routing.yaml")
    data["topics"]["network"]["routes"][1]["owner"] = "security"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SMCC_ROUTING_FILE", str(path))
    assert load_routing().route("network", 1).owner == "security"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["topics"]["billing"]["routes"][2].update(coordinating=["press_office"]),
            "topics.billing.routes.2.coordinating: unknown department 'press_office'",
        ),
        (
            lambda d: d["topics"]["fraud"]["routes"][3].update(owner="police"),
            "topics.fraud.routes.3.owner: unknown department 'police'",
        ),
        (lambda d: d["always_coordinating"][3].append("board"), "always_coordinating.3: unknown department 'board'"),
        (lambda d: d["topics"]["network"]["routes"].pop(2), "topics.network.routes: level 2 not routed"),
        (lambda d: d["levels"][2].update(sla_hours=0), "levels.2.sla_hours: Input should be greater than 0"),
        (lambda d: d["levels"][1].update(sla_hours=-3), "levels.1.sla_hours: Input should be greater than 0"),
        (lambda d: d["levels"][3].update(sla_hours="soon"), "levels.3.sla_hours"),
        (lambda d: d["levels"].pop(1), "levels: level 1 missing"),
        (lambda d: d.update(reminder_fraction=1.0), "reminder_fraction: Input should be less than 1"),
        (lambda d: d.update(reminder_fraction=0), "reminder_fraction: Input should be greater than 0"),
        (lambda d: d["departments"]["billing"].update(emails=["not-an-address"]), "departments.billing.emails[0]: Value error, not an e-mail address"),
        (lambda d: d["departments"]["pr"].update(phone="1900"), "departments.pr.phone: Extra inputs are not permitted"),
        (lambda d: d["levels"][3].update(colour="red"), "levels.3.colour"),
        (lambda d: d.update(leadership_department="board"), "leadership_department: unknown department 'board'"),
    ],
)
def test_bad_routing_names_file_and_key(tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load_modified(tmp_path, change)
    message = str(caught.value)
    assert str(tmp_path / "routing.yaml") in message
    assert expected in message


def test_playbook_must_cover_every_topic(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"playbook\.yaml: topics: no first response for topic 'fraud'"):
        _load_modified(tmp_path, lambda d: d["topics"].pop("fraud"), name="playbook.yaml")


def test_missing_routing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nowhere.yaml: file not found"):
        load_routing(tmp_path / "nowhere.yaml")
