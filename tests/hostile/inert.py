"""What "inert" means for HTML built from hostile text: no active element, no event handler,
no script URL; the hostile text is still there, shown as text."""

from __future__ import annotations

from bs4 import BeautifulSoup

ACTIVE = ["script", "iframe", "img", "svg", "object", "embed", "link", "style", "base", "meta"]


def assert_inert(html: str, allowed: set[str] = frozenset()) -> BeautifulSoup:
    """``allowed``: active elements the page itself legitimately has (e.g. its own ``meta``)."""
    soup = BeautifulSoup(html, "lxml")
    added = [e for e in soup.find_all(ACTIVE) if e.name not in allowed]
    assert added == [], added[:3]
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert handlers == [], (element.name, handlers)
        for attr in ("href", "src", "action", "formaction"):
            value = str(element.get(attr, "")).strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), value
    return soup
