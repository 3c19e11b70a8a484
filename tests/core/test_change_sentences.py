"""History reads as sentences with the fields' labels ("URN set to 120716"), not "urn: – → 120716"."""

import re

import pytest
from django.urls import reverse

from schoolsystem.core.audit import audit, build_event, snapshot
from schoolsystem.core.formatting import change_sentences
from schoolsystem.registry.models import Establishment
from tests.registry.pages_seed import seed_system

pytestmark = pytest.mark.django_db


def test_changes_read_as_sentences_with_labels_and_values_in_words():
    assert change_sentences(
        Establishment,
        {
            "urn": [None, 120716],
            "name": ["Oak School", "Oak Academy"],
            "head_name": ["A Smith", ""],
            "status": ["open", "proposed_to_close"],
            "closed_on": [None, "2026-08-31"],
            "state_funded": [False, True],
            "la_id": [3, 4],
            "ofsted_rating": ["", ""],
            "gone_field": [None, "x"],
        },
    ) == [
        "URN set to 120716",
        "Name changed from Oak School to Oak Academy",
        "Head name cleared (was A Smith)",
        "Status changed from Open to Open, but proposed to close",
        "Closed on set to 31 August 2026",
        "State funded changed from no to yes",
        "Local authority changed",
        "Gone field set to x",
    ]


def test_the_school_page_history_shows_sentences_not_codes(client, make_user):
    system = seed_system()
    oakwood = system["oakwood"]
    before = snapshot(oakwood, ["head_name", "status"])
    oakwood.head_name, oakwood.status = "Ms A Head", "proposed_to_close"
    oakwood.save(update_fields=["head_name", "status"])
    audit(obj=oakwood, action="establishment.updated", actor_label="import:gias", before=before)
    build_event(obj=oakwood, action="establishment.created", changes={"urn": [None, 140001]}).save()
    client.force_login(make_user("la_officer", scope_la=system["surrey"]))
    page = re.sub(r"\s+", " ", client.get(reverse("registry:school", args=[140001])).content.decode())
    assert "Head name set to Ms A Head" in page
    assert "Status changed from Open to Open, but proposed to close" in page
    assert "URN set to 140001" in page
    assert "urn:" not in page and "→" not in page and "proposed_to_close" not in page


def test_timestamps_read_in_govuk_style_in_local_time():
    """One style for every timestamp a page shows (found in review: "6 Dec 2026 02:36" beside "6 December 2026 at
    2:36am")."""
    from datetime import UTC, datetime

    from schoolsystem.core.formatting import govuk_datetime

    assert govuk_datetime(datetime(2026, 12, 6, 2, 36, tzinfo=UTC)) == "6 December 2026 at 2:36am"
    # Europe/London in summer is an hour ahead of UTC.
    assert govuk_datetime(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 July 2026 at 2:05pm"
    assert govuk_datetime(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "1 July 2026 at midday"
    assert govuk_datetime(datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) == "1 December 2026 at midnight"
    assert govuk_datetime(None) == ""
