"""The publish form shows the redaction blocks the user needs: one empty block to start with, then those filled in
plus one empty; "Add another redaction" (a submit button, no JavaScript) adds a block without checking or
publishing anything."""

import re

from django.urls import reverse

from schoolsystem.improvement.forms import MAX_REDACTIONS, PublishForm
from tests.improvement.test_decisions import SECRET, decision  # noqa: F401 (fixture)


def _blocks(html: str) -> list[str]:
    return re.findall(r'<fieldset class="govuk-fieldset" id="redaction-(\d+)">', html)


def _redaction(i, field="rationale", withheld="A pupil's name", reason="Child's personal data"):
    return {
        f"redaction_{i}_field": field,
        f"redaction_{i}_withheld": withheld,
        f"redaction_{i}_reason": reason,
    }


def test_the_page_starts_with_one_empty_block_and_adds_one_at_a_time(client, decision, officer):  # noqa: F811
    client.force_login(officer)
    url = reverse("improvement:decision-manage", args=[decision.pk])
    html = client.get(url).content.decode()
    assert _blocks(html) == ["1"] and "Add another redaction" in html
    added = client.post(url, {"form": "publish", "add_redaction": "1", **_redaction(1)})
    html = added.content.decode()
    assert added.status_code == 200 and _blocks(html) == ["1", "2"]
    assert "A pupil&#x27;s name" in html  # the first block keeps what was typed
    assert "govuk-error-summary" not in html  # nothing is checked yet
    decision.refresh_from_db()
    assert decision.status != "published"
    # Two filled in and "Add another": three blocks.
    html = client.post(
        url, {"form": "publish", "add_redaction": "1", **_redaction(1), **_redaction(2, field="criteria")}
    ).content.decode()
    assert _blocks(html) == ["1", "2", "3"]


def test_errors_name_their_block_and_the_filled_blocks_come_back(client, decision, officer):  # noqa: F811
    client.force_login(officer)
    url = reverse("improvement:decision-manage", args=[decision.pk])
    bad = client.post(url, {"form": "publish", **_redaction(1), **_redaction(2, withheld="")})
    html = bad.content.decode()
    assert bad.status_code == 400 and "Say what is withheld in redaction 2." in html
    assert _blocks(html) == ["1", "2", "3"]
    ok = client.post(url, {"form": "publish", **_redaction(1), **_redaction(2, field="criteria")})
    assert ok.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "published" and [r["field"] for r in decision.redactions] == [
        "rationale",
        "criteria",
    ]


def test_the_form_keeps_every_filled_block_and_stops_at_the_maximum():
    data = {"form": "publish"}
    for i in range(1, MAX_REDACTIONS + 1):
        data |= _redaction(i)
    form = PublishForm(data)
    assert form.rows == MAX_REDACTIONS and not form.can_add_another
    assert form.is_valid() and len(form.cleaned_data["redactions"]) == MAX_REDACTIONS
    # A gap (block 2 left empty) is skipped, not refused.
    form = PublishForm({**_redaction(1), **_redaction(3)})
    assert form.rows == 4 and form.is_valid() and len(form.cleaned_data["redactions"]) == 2


def test_preview_shows_the_public_text_with_the_redactions_and_publishes_nothing(client, decision, officer):  # noqa: F811
    """Found in review: one click published, with no way to see what the register would show first."""
    client.force_login(officer)
    url = reverse("improvement:decision-manage", args=[decision.pk])
    first = client.get(url).content.decode()
    assert ">Preview what the public will see</button>" in first and 'name="publish"' not in first
    data = {"form": "publish", "preview": "1", **_redaction(1)}
    page = client.post(url, data)
    html = page.content.decode()
    preview = html.split('<div class="govuk-inset-text" id="preview">')[1].split("</div>\n</div>")[0]
    assert page.status_code == 200 and "[Withheld: Child&#x27;s personal data]" in preview
    assert SECRET not in preview and "Governance broke down" not in preview  # the whole field is withheld
    assert 'name="publish" value="1"' in html and ">Preview again</button>" in html
    decision.refresh_from_db()
    assert decision.status != "published"
    previewed = re.search(r'name="previewed" value="([0-9a-f]+)"', html).group(1)
    # Redactions changed after the preview are shown again, not published unseen.
    edited = {"form": "publish", "publish": "1", "previewed": previewed, **_redaction(1, reason="Other")}
    again = client.post(url, edited).content.decode()
    assert "The redactions changed after their preview" in again and "[Withheld: Other]" in again
    decision.refresh_from_db()
    assert not decision.is_published
    published = client.post(url, {"form": "publish", "publish": "1", "previewed": previewed, **_redaction(1)})
    assert published.status_code == 302
    decision.refresh_from_db()
    assert decision.is_published and decision.redactions[0]["withheld"] == "A pupil's name"
