"""What a trust or partnership leader's scope reaches (accounts.scope, ADR 0098), and what other areas' support
ratings and the support directory show: each hole found in an access review, with the fix's proof."""

from datetime import timedelta

import pytest
from django.utils import timezone

from schoolsystem.accounts.scope import establishment_q, members_q, schools_in_scope_words
from schoolsystem.improvement import services as improvement
from schoolsystem.improvement.models import Offer, Provider, SupportRating, SupportRequest
from schoolsystem.registry import services as registry
from schoolsystem.registry.constants import GroupType
from schoolsystem.registry.models import Establishment, Group

pytestmark = pytest.mark.django_db


def in_scope(user) -> set[int]:
    return set(Establishment.objects.filter(establishment_q(user)).values_list("urn", flat=True))


def test_a_partnership_leader_cannot_pull_a_school_into_their_casework_by_adding_it(world, make_user, api):
    """A partnership's leader chooses its members: adding Surrey's Ashford Primary to a Camden partnership opened
    its cases, risk screen and consultations to that leader. Membership of a partnership opens no casework."""
    w = world
    officer = make_user("la_officer", scope_la=w.la_a)
    case = improvement.case_open(
        school=w.a1, by=officer, source="manual", reasons=["x"], summary="Confidential"
    )
    leader = make_user("trust_leader", scope_group=w.pb)
    client = api(leader)
    added = client.post(
        "/api/v1/memberships/",
        {"group": w.pb.pk, "urn": w.a1.urn, "role": "member", "joined_on": "2024-01-01"},
        format="json",
    )
    assert added.status_code == 201  # leading the partnership, they may still record who joins it
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert in_scope(leader) == set()
    assert schools_in_scope_words(leader) == (
        "no schools: Camden Schools Partnership is a partnership, and leading one opens no school's casework"
    )


def test_a_partnership_leaders_own_trust_page_says_what_it_does_not_open(world, make_user, client):
    client.force_login(make_user("trust_leader", scope_group=world.pb))
    page = client.get("/my-trust/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your partnership" in html and "leading it gives no access to its schools' casework" in html


def test_a_trust_leader_sees_the_schools_of_their_formal_trust(world, make_user):
    assert in_scope(make_user("trust_leader", scope_group=world.mat)) == {world.a2.urn}


def test_a_brokered_move_dated_ahead_changes_trust_scope_on_its_date_not_before(world, make_user):
    """`membership_move_brokered` records the move at hand-off, effective later: until then the school is the
    current trust's (the register says "Current"), not the receiving trust's ("Planned")."""
    w = world
    officer = make_user("la_officer", scope_la=w.la_a)
    receiving = Group.objects.create(uid=5002, name="Other Trust", group_type=GroupType.MULTI_ACADEMY_TRUST)
    effective = timezone.localdate() + timedelta(days=365)
    registry.membership_move_brokered(
        by=officer,
        establishment=w.a2,
        to_group=receiving,
        effective_on=effective,
        leave_group_types=(GroupType.MULTI_ACADEMY_TRUST,),
    )
    old_leader = make_user("trust_leader", scope_group=w.mat)
    new_leader = make_user("trust_leader", scope_group=receiving)
    assert w.a2.memberships.get(group=w.mat).status == "Current"
    assert w.a2.memberships.get(group=receiving).status == "Planned"
    assert in_scope(old_leader) == {w.a2.urn}
    assert in_scope(new_leader) == set()

    # On the effective date the school moves.
    def urns(q):
        return set(Establishment.objects.filter(q).values_list("urn", flat=True))

    assert urns(members_q(receiving.pk, today=effective)) == {w.a2.urn}
    assert urns(members_q(w.mat.pk, today=effective)) == set()


@pytest.fixture
def rated_offer(world, make_user):
    """A Camden school's offer, rated by a Surrey officer after supporting Surrey's Ashford Primary."""
    surrey = make_user("la_officer", scope_la=world.la_a)
    provider = Provider.objects.create(name="Camden Primary", kind="school", establishment=world.b1)
    offer = Offer.objects.create(
        provider=provider,
        title="Maths help",
        kind="maths",
        needs=["maths"],
        days_per_term=5,
        contact_name="Jo Bloggs",
        contact_email="jo@example.org",
    )
    request = SupportRequest.objects.create(
        school=world.a1, raised_by=surrey, needs=["maths"], description="d", offer=offer, state="closed"
    )
    SupportRating.objects.create(
        request=request, offer=offer, score=2, comment="The head resigned half-way", rated_by=surrey
    )
    return offer


def test_an_offers_page_names_the_rated_school_and_comment_only_within_the_readers_area(
    rated_offer, world, make_user, client
):
    client.force_login(make_user("la_officer", scope_la=world.la_b))
    html = client.get(f"/improvement/support/offers/{rated_offer.pk}/").content.decode()
    assert "2/5" in html and "a school you do not work with" in html
    assert "Ashford Primary School" not in html and "resigned" not in html
    client.force_login(make_user("la_officer", scope_la=world.la_a))
    html = client.get(f"/improvement/support/offers/{rated_offer.pk}/").content.decode()
    assert "Ashford Primary School: The head resigned half-way" in html


@pytest.mark.parametrize("role", ["public", "applicant", "assessor"])
def test_the_support_directory_api_is_for_casework_roles_as_its_pages_are(
    rated_offer, world, make_user, api, role
):
    assert api(make_user(role)).get("/api/v1/support-offers/").status_code == 403
    officer = make_user("la_officer", scope_la=world.la_b)
    body = api(officer).get("/api/v1/support-offers/").json()
    assert [o["contact_email"] for o in body["results"]] == ["jo@example.org"]


def test_a_partnership_leaders_registry_lists_default_to_its_members_as_the_pages_do(world, make_user, api):
    """Registry data is public: a partnership's leader lists its member schools, though they open no casework."""
    leader = make_user("trust_leader", scope_group=world.pb)
    body = api(leader).get("/api/v1/establishments/").json()
    assert [e["urn"] for e in body["results"]] == [world.b1.urn]
