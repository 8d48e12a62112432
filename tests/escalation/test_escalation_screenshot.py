from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from smcc.escalation.render import render_ticket_email
from smcc.escalation.routing import Routing
from smcc.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (apt-get install chromium)")
def test_ticket_email_screenshot(routing: Routing, ticket_factory, mention_factory) -> None:
    """Renders a sample crisis e-mail in a real browser engine so a person can eyeball the layout."""
    artifacts = REPO_ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    mentions = [mention_factory(i, interactions=100 * (7 - i)) for i in range(7)]
    email = render_ticket_email(ticket_factory(mentions=mentions, late=True), routing)
    page = artifacts / "ticket_email.html"
    page.write_text(email.html, encoding="utf-8")
    shot = artifacts / "ticket_email.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            f"--screenshot={shot}", "--window-size=900,1400", page.as_uri(),
        ],
        check=True, capture_output=True, timeout=60,
    )
    assert shot.exists()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a blank 900x1400 page compresses to a few KB
