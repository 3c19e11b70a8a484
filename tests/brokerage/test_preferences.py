"""A performing school's ranked preferences in a whole-MAT closure (seed 003 re-brokerage 4): the page, its
checks, who may use it, and what the plan then does with them."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.models import Proposal
from schoolsystem.core.errors import InvalidTransition, ValidationFailed
from schoolsystem.core.models import AuditEvent


@pytest.fixture
def closure(area, regional):
    """Oak Trust closes; its first school is performing."""
    r = services.round_create(
        by=regional,
        la=area["la"],
        scenario=Scenario.MAT_CLOSURE,
        title="Oak closes",
        leaving_group=area["oak"],
    )
    first = area["oak"].memberships.order_by("establishment__name").first().establishment
    services.round_add_leaving_trust_schools(by=regional, round=r, performing_urns={first.urn})
    return r


def performing(round_):
    return round_.schools.select_related("establishment").get(performing=True)


def url(round_, rs):
    return reverse("brokerage:round-school-preferences", args=[round_.pk, rs.pk])


def key(group):
    return f"group:{group.pk}"


def test_officer_records_ranked_preferences_shown_on_the_round_page_and_audited(
    client, officer, area, closure
):
    rs = performing(closure)
    client.force_login(officer)
    page = client.get(reverse("brokerage:round", args=[closure.pk])).content.decode()
    assert url(closure, rs) in page
    assert "No preferences recorded: until some are, the plan treats it like any other school" in page
    assert "only to a partner it lists" in page
    form = client.get(url(closure, rs)).content.decode()
    assert (
        f'value="{key(area["ash"])}"' in form and f'value="{key(area["oak"])}"' not in form
    )  # own trust: no
    assert "1st choice" in form and "2nd choice" in form and "3rd choice" in form
    resp = client.post(url(closure, rs), {"choice_1": key(area["church"]), "choice_2": key(area["ash"])})
    assert resp.status_code == 302
    rs.refresh_from_db()
    assert rs.preferences == [key(area["church"]), key(area["ash"])]
    event = AuditEvent.objects.get(action="brokerage.preferences_set")
    assert event.actor == officer and event.changes["preferences"][1] == rs.preferences
    page = client.get(reverse("brokerage:round", args=[closure.pk])).content.decode()
    assert "Preferences: 1. Diocesan Trust, 2. Ash Trust" in page and ">Change<" in page
    # The page opens with the recorded choices selected.
    form = client.get(url(closure, rs)).content.decode()
    assert f'<option value="{key(area["church"])}" selected>' in form


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (
            {"choice_1": "ash", "choice_2": "ash"},
            ">Choose a different partner for the 2nd choice: that one is already the 1st choice<",
        ),
        (
            {"choice_1": "ash", "choice_3": "church"},
            ">Choose a 2nd choice, or leave the 3rd choice empty<",
        ),
        (
            {"choice_1": "oak"},
            ">Choose the 1st choice from the list: that partner is not eligible for this school<",
        ),
        (
            {"choice_1": "group:999999"},
            ">Choose the 1st choice from the list: that partner is not eligible for this school<",
        ),
        ({"choice_2": "ash"}, ">Choose the partner the school would most like to join<"),
    ],
)
def test_page_refuses_duplicates_gaps_and_ineligible_partners_naming_the_field(
    client, officer, area, closure, post, message
):
    rs = performing(closure)
    client.force_login(officer)
    data = {k: key(area[v]) if v in area else v for k, v in post.items()}
    resp = client.post(url(closure, rs), data)
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "There is a problem" in html and message in html
    rs.refresh_from_db()
    assert rs.preferences == []
    assert not AuditEvent.objects.filter(action="brokerage.preferences_set").exists()


def test_service_refuses_duplicates_ineligible_partners_and_a_closed_round(area, regional, closure):
    rs = performing(closure)
    with pytest.raises(ValidationFailed) as exc:
        services.round_school_set_preferences(
            by=regional, round_school=rs, preferences=[key(area["ash"]), key(area["ash"])]
        )
    assert "choice_2" in exc.value.extra["errors"]
    with pytest.raises(ValidationFailed) as exc:
        services.round_school_set_preferences(by=regional, round_school=rs, preferences=[key(area["oak"])])
    assert "choice_1" in exc.value.extra["errors"]
    services.round_close(by=regional, round=closure, reason="Trust stays open after all.")
    with pytest.raises(InvalidTransition):
        services.round_school_set_preferences(by=regional, round_school=rs, preferences=[key(area["ash"])])
    rs.refresh_from_db()
    assert rs.preferences == []


def test_page_is_not_found_for_users_who_may_not_run_the_round(client, make_user, area, closure):
    rs = performing(closure)
    for user in (
        make_user("la_officer", scope_la=area["other"]),
        make_user("trust_leader", scope_group=area["ash"]),
    ):
        client.force_login(user)
        assert client.get(url(closure, rs)).status_code == 404
        assert client.post(url(closure, rs), {"choice_1": key(area["ash"])}).status_code == 404
    rs.refresh_from_db()
    assert rs.preferences == []


def test_only_performing_schools_of_a_live_round_have_preferences(client, officer, regional, area, closure):
    client.force_login(officer)
    other = closure.schools.filter(performing=False).first()
    assert client.get(url(closure, other)).status_code == 404
    rs = performing(closure)
    services.round_close(by=regional, round=closure, reason="Trust stays open after all.")
    resp = client.post(url(closure, rs), {"choice_1": key(area["ash"])})
    assert resp.status_code == 400 and "is closed" in resp.content.decode()
    assert url(closure, rs) not in client.get(reverse("brokerage:round", args=[closure.pk])).content.decode()
    rs.refresh_from_db()
    assert rs.preferences == []


def test_plan_places_the_performing_school_only_with_a_partner_it_listed(client, officer, area, closure):
    rs = performing(closure)
    client.force_login(officer)
    # Its best fit unlisted, the plan must still honour the school's single choice.
    best = client.get(url(closure, rs)).context["form"].fields["choice_1"].choices[1][0]
    listed = key(area["church"]) if best != key(area["church"]) else key(area["ash"])
    assert client.post(url(closure, rs), {"choice_1": listed}).status_code == 302
    services.round_plan(by=officer, round=closure)
    assert Proposal.objects.get(round_school=rs).partner_key == listed


def test_performing_school_is_an_orphan_with_a_reason_when_no_listed_partner_can_take_it(
    client, officer, regional, area, closure
):
    rs = performing(closure)
    client.force_login(officer)
    assert client.post(url(closure, rs), {"choice_1": key(area["ash"])}).status_code == 302
    services.partner_profile_update(by=regional, group=area["ash"], capacity=0)
    services.round_plan(by=officer, round=closure)
    rs.refresh_from_db()
    assert not Proposal.objects.filter(round_school=rs).exists()
    assert rs.orphan_reason and rs.orphan_detail
    assert Proposal.objects.filter(round=closure).exclude(group=area["ash"]).exists()
    page = client.get(reverse("brokerage:round", args=[closure.pk])).content.decode()
    assert "Orphan school" in page and escape(rs.orphan_detail) in page
