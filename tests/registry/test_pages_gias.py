"""The overview's counts match the GIAS file they were imported from (through the real import pipeline)."""

from datetime import date

import pytest
from django.urls import reverse

from schoolsystem.registry.imports import GiasEstablishmentImport
from schoolsystem.registry.models import Establishment
from tests.registry.gias_files import school, write

pytestmark = pytest.mark.django_db


def overview_as_officer(client, make_user, code="936"):
    from schoolsystem.registry.models import LocalAuthority

    client.force_login(make_user("la_officer", scope_la=LocalAuthority.objects.get(code=code)))
    response = client.get(reverse("registry:overview"))
    assert response.status_code == 200
    return response.context["overview"], response.content.decode()


def test_overview_counts_match_a_small_imported_file(client, make_user, tmp_path):
    rows = [
        school(1, **{"OfstedRating (name)": "Outstanding"}),
        school(2),
        school(3, **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2019"}),
        school(
            4,
            **{
                "TypeOfEstablishment (name)": "Academy converter",
                "EstablishmentTypeGroup (name)": "Academies",
                "TrustSchoolFlag (name)": "Supported by a multi-academy trust",
                "Trusts (name)": "Oak Trust",
                "PhaseOfEducation (name)": "Secondary",
                "OfstedRating (name)": "",
            },
        ),
        school(5, **{"EstablishmentStatus (name)": "Open, but proposed to close"}),
    ]
    GiasEstablishmentImport().run(write(tmp_path / "edubase.csv", rows), progress=False)
    o, html = overview_as_officer(client, make_user)
    assert (o.total, o.open, o.proposed_to_close) == (5, 4, 1)
    assert dict(o.by_status) == {"Open": 3, "Closed": 1, "Open, but proposed to close": 1}
    assert {(r.label, r.open, r.all) for r in o.by_ofsted} == {
        ("Good", 1, 3),
        ("Outstanding", 1, 1),
        ("Not recorded", 1, 1),
    }
    assert {(r.label, r.open) for r in o.by_phase} == {("Primary", 2), ("Secondary", 1)}
    assert (o.state_funded_open, o.academies_open) == (4, 1)
    # The academy is in Oak Trust (a membership made by the importer); the other open schools are isolated.
    assert o.network.isolated == (1, 2, 5)
    assert "25%" in html  # academy share: 1 of 4


@pytest.mark.realdata
def test_overview_counts_match_the_published_surrey_facts(client, make_user, shared_data):
    GiasEstablishmentImport().run(shared_data / "gias" / "edubase_surrey_936_2021-04.csv", progress=False)
    o, html = overview_as_officer(client, make_user)
    assert (o.total, o.open, o.proposed_to_close) == (590, 590, 5)
    ofsted = {r.label: r.open for r in o.by_ofsted}
    assert ofsted == {
        "Good": 236,
        "Outstanding": 84,
        "Requires improvement": 16,
        "Serious Weaknesses": 1,
        "Special Measures": 1,
        "Not recorded": 247,
    }
    assert {r.label: r.open for r in o.by_trust_flag}["Supported by a multi-academy trust"] == 174
    # GIAS's "Not applicable" is counted as such, not as a gap in the record (found in review).
    assert {r.label: r.all for r in o.by_phase}["Not applicable"] == 222
    assert {r.label: r.all for r in o.by_trust_flag}["Not applicable"] == 378
    assert "Not recorded" not in {r.label for r in (*o.by_phase, *o.by_trust_flag)}
    # GIAS's placeholder opening date is unknown, and a college's statutory high age of 99 has no upper age.
    assert not Establishment.objects.filter(opened_on=date(1900, 1, 1)).exists()
    assert (
        Establishment.objects.filter(opened_on=None).count() == 202 + 9
    )  # blank in the file, and 01-01-1900
    college = Establishment.objects.filter(statutory_high_age=99).first()
    page = client.get(reverse("registry:school", args=[college.urn])).content.decode()
    assert f"ages {college.statutory_low_age} and over" in page and "to 99" not in page
    for figure in ("590", "236", "247", "174"):
        assert f">{figure}<" in html
    net = o.network
    assert net.eligible_schools == o.state_funded_open
    assert len(net.isolated) + net.covered_schools == net.eligible_schools
    assert {c.district for c in net.coverage} >= {"Waverley", "Guildford", "Woking"}
