from pathlib import Path

from schoolsystem.brokerage import demo, selectors
from schoolsystem.brokerage.models import BoardDecision, Round
from schoolsystem.core.demo import DemoContext
from schoolsystem.registry.models import Group, Membership
from tests.brokerage.conftest import make_school


def test_demo_runs_four_scenarios_each_ending_in_a_decision(area, officer, regional, monkeypatch, tmp_path):
    la = area["la"]
    make_school(la, "Failing Primary", 504_500, 150_200, ofsted_rating="Special Measures")
    make_school(la, "Lonely Primary", 507_000, 150_200, ofsted_rating="Good")
    sat = Group.objects.create(name="Solo Academy Trust", group_type="sat")
    Membership.objects.create(
        group=sat,
        establishment=make_school(
            la,
            "Solo Academy",
            508_000,
            150_000,
            ofsted_rating="Good",
            type_name="Academy converter",
            type_group="Academies",
        ),
    )
    weak = make_school(
        la,
        "Weak Academy",
        501_500,
        150_000,
        ofsted_rating="Serious Weaknesses",
        type_name="Academy sponsor led",
        type_group="Academies",
    )
    Membership.objects.create(group=area["oak"], establishment=weak)
    pool = [
        {
            "provider_id": 7,
            "name": "Meadow ASG",
            "accreditation_type": "ASG",
            "phases": ["Primary"],
            "la_codes": ["936"],
            "max_schools": 5,
            "current_schools": 2,
            "denomination": "",
            "easting": 505_000,
            "northing": 151_000,
            "group_id": None,
            "establishment_urn": None,
        }
    ]
    monkeypatch.setattr(selectors, "accredited_pool", lambda: pool)
    # The improvement demo chose third-party support for an inadequate school: it is no academy-order school.
    from django.utils import timezone

    from schoolsystem.improvement.models import Case

    Case.objects.create(
        school=area["needy"],
        state="implementation",
        state_changed_on=timezone.now(),
        sector="maintained",
        opened_by=officer,
        intervention="third_party_support",
    )
    ctx = DemoContext(
        la=la,
        users={"la_officer": officer, "regional_officer": regional},
        seed=1,
        out_dir=Path(tmp_path),
        log=lambda s: None,
    )
    demo.load(ctx)
    scenarios = {r.scenario: r for r in Round.objects.all()}
    assert set(scenarios) == {"academy_order", "lead_partner", "rebrokerage", "mat_closure"}
    for r in scenarios.values():
        assert BoardDecision.objects.filter(proposal__round=r).exists(), r.scenario
    assert {p.partner_key for p in scenarios["lead_partner"].proposals.all()} == {"provider:7"}
    order_round = scenarios["academy_order"].schools.values_list("establishment__name", flat=True)
    assert "Failing Primary" in order_round and area["needy"].name not in order_round
    # Every scenario's decision is on the public decision register (no sign-in), and hand-offs moved the register.
    from django.test import Client

    from schoolsystem.brokerage.models import HandOff
    from schoolsystem.improvement.models import Decision

    public = Client()
    for r in scenarios.values():
        d = BoardDecision.objects.filter(proposal__round=r).select_related("proposal").first()
        record = Decision.objects.get(pk=int(d.register_decision_id))
        assert record.is_published, r.scenario
        assert record.published_by == d.recorded_by, r.scenario  # the officer who recorded it published it
        page = public.get(f"/decisions/{record.pk}/")
        assert page.status_code == 200
        assert d.proposal.partner_name in page.content.decode()
    handoffs = HandOff.objects.select_related("proposal__round_school__establishment", "membership")
    assert {h.proposal.round.scenario for h in handoffs} == {"academy_order", "mat_closure"}
    for h in handoffs:
        est = h.proposal.round_school.establishment
        current = Membership.objects.get(establishment=est, left_on__isnull=True, group__group_type="mat")
        assert current == h.membership and current.group_id == h.proposal.group_id
        assert current.joined_on == h.effective_on
    # A round's status follows its schools: the closure hands every placed school over.
    closure = scenarios["mat_closure"]
    done = all(rs.proposals.filter(status="handed_over").exists() for rs in closure.schools.all())
    assert (closure.status == "completed") == done and closure.proposals.exists()
    closing = scenarios["mat_closure"].leaving_group
    moved = handoffs.filter(proposal__round=scenarios["mat_closure"]).count()
    assert moved and closing.memberships.filter(left_on=handoffs.first().effective_on).count() == moved


def test_demo_leaves_an_inadequate_school_with_an_academy_order_for_a_new_round(
    area, officer, regional, monkeypatch, tmp_path, client
):
    """A user trying scenario 1 from scratch needs a school no round has: the demo orders one through casework
    and keeps it out of every round, and a new academy-order round offers it."""
    from django.urls import reverse
    from django.utils import timezone

    from schoolsystem.core.formatting import govuk_date
    from schoolsystem.improvement.models import AcademyOrder
    from schoolsystem.registry.models import Establishment

    la = area["la"]
    failing = make_school(la, "Failing Primary", 504_500, 150_200, ofsted_rating="Special Measures")
    monkeypatch.setattr(selectors, "accredited_pool", lambda: [])
    ctx = DemoContext(
        la=la,
        users={"la_officer": officer, "regional_officer": regional},
        seed=1,
        out_dir=Path(tmp_path),
        log=lambda s: None,
    )
    demo.load(ctx)
    order_round = Round.objects.get(scenario="academy_order")
    assert BoardDecision.objects.filter(proposal__round=order_round).exists()
    in_rounds = set(Round.objects.values_list("schools__establishment_id", flat=True))
    spare = [
        e
        for e in Establishment.objects.filter(la=la, ofsted_rating__in=["Inadequate", "Special Measures"])
        if e.pk not in in_rounds
    ]
    assert spare == [failing]  # the last by URN: the round keeps the first, whose proposal the demo decides
    order = AcademyOrder.objects.get(case__school=failing)
    assert order.state == "issued" and order.decision.is_published
    # Scenario 1 from scratch: a new round lists the school, and adding it is accepted.
    from schoolsystem.brokerage import services

    fresh = services.round_create(by=officer, la=la, scenario="academy_order", title="From scratch")
    assert selectors.academy_order_choices(fresh, officer) == [
        (failing, f"Academy order issued on {govuk_date(timezone.localdate())}")
    ]
    client.force_login(officer)
    page = client.get(reverse("brokerage:round", args=[fresh.pk])).content.decode()
    assert f'name="urn" value="{failing.urn}"' in page
    resp = client.post(reverse("brokerage:round", args=[fresh.pk]), {"action": "add", "urn": failing.urn})
    assert resp.status_code == 302 and fresh.schools.get().establishment == failing


def test_demo_leaves_the_demo_trust_leader_a_proposal_at_due_diligence(
    area, officer, regional, make_user, monkeypatch, tmp_path, client
):
    """The demo trust leader comes to brokerage to do a trust's due diligence: a performing school of the closing
    trust chose their trust, and the proposal waits for them with the checks to record."""
    from django.urls import reverse

    from schoolsystem.brokerage.models import Proposal

    monkeypatch.setattr(selectors, "accredited_pool", lambda: [])
    leader = make_user("trust_leader", scope_group=area["ash"])
    ctx = DemoContext(
        la=area["la"],
        users={"la_officer": officer, "regional_officer": regional, "trust_leader": leader},
        seed=1,
        out_dir=Path(tmp_path),
        log=lambda s: None,
    )
    demo.load(ctx)
    closure = Round.objects.get(scenario="mat_closure")
    assert closure.leaving_group == area["oak"]  # the demo trust is not the one that closes
    mine = Proposal.objects.get(group=area["ash"], status="due_diligence")
    assert mine.round == closure and mine.round_school.performing
    assert mine.round_school.preferences == [f"group:{area['ash'].pk}"]
    assert mine.checks.filter(outcome="pending").exists()
    # The other proposals of the closure were decided as before.
    others = closure.proposals.exclude(pk=mine.pk)
    assert others.exists() and not others.filter(status="due_diligence").exists()

    client.force_login(leader)
    home = client.get(reverse("brokerage:home")).content.decode()
    assert reverse("brokerage:proposal", args=[mine.pk]) in home
    page = client.get(reverse("brokerage:proposal", args=[mine.pk])).content.decode()
    assert 'value="due_diligence"' in page and 'value="withdraw"' in page
    check = mine.checks.filter(outcome="pending").first()
    resp = client.post(
        reverse("brokerage:proposal", args=[mine.pk]),
        {"action": "due_diligence", "due_diligence-item": check.item, "due_diligence-outcome": "satisfied"},
    )
    assert resp.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "satisfied"


def test_demo_without_a_trust_leader_decides_every_closure_proposal(
    area, officer, regional, monkeypatch, tmp_path
):
    monkeypatch.setattr(selectors, "accredited_pool", lambda: [])
    ctx = DemoContext(
        la=area["la"],
        users={"la_officer": officer, "regional_officer": regional},
        seed=1,
        out_dir=Path(tmp_path),
        log=lambda s: None,
    )
    demo.load(ctx)
    closure = Round.objects.get(scenario="mat_closure")
    assert closure.proposals.exists()
    assert not closure.proposals.filter(status__in=["proposed", "due_diligence"]).exists()
