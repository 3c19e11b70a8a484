"""Every table in every template sits in a scrolling region (`.app-table-wrapper`, tabindex 0, role region, a name),
so a wide table scrolls inside its box on a phone instead of widening the page (tests/browser/test_narrow_screens.py
checks the effect in Chromium; this checks no template forgets the box)."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "schoolsystem"
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "<table" in p.read_text(encoding="utf-8"))
WRAPPER = re.compile(
    r'<div class="app-table-wrapper" tabindex="0" role="region" aria-label="[^"]+">\s*<table\b', re.S
)


def test_some_templates_have_tables():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_table_is_in_a_named_scrolling_region(template):
    text = template.read_text(encoding="utf-8")
    assert text.count("<table") == len(WRAPPER.findall(text))


def test_the_region_scrolls_and_contains_visually_hidden_text():
    css = (SRC / "static" / "schoolsystem.css").read_text(encoding="utf-8")
    rule = re.search(r"\.app-table-wrapper \{([^}]*)\}", css).group(1)
    assert "overflow-x: auto" in rule and "position: relative" in rule
    assert ".app-table-wrapper:focus" in css
