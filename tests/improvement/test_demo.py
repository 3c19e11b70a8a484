"""The demo loader builds a complete story through the services, on a small hand-made LA."""

import pytest

from schoolsystem.core.demo import DemoContext
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement.constants import CaseState
from schoolsystem.improvement.models import (
    AcademyOrder,
    Case,
    Consultation,
    Decision,
    PeerReview,
    SupportRequest,
)
from tests.improvement.factories import make_school


def test_demo_load_tells_the_whole_story(las, client, tmp_path, make_user):
    from schoolsystem.registry.models import Group

    la = las[0]
    make_school(la, 300001, name="Weak Primary", ofsted_rating="Requires improvement")
    make_school(la, 300002, name="Strong Primary", ofsted_rating="Outstanding", head_name="Dr Strong")
    make_school(la, 300003, name="Other Strong Primary", ofsted_rating="Outstanding")
    make_school(la, 300004, name="Failing Primary", ofsted_rating="Inadequate")
    trust = Group.objects.create(uid="5001", name="Bright Futures Trust", group_type="mat", la=la)
    elsewhere = make_user("school_leader", scope_establishment=make_school(las[1], 400001))
    lines = []
    from schoolsystem.improvement import demo

    ctx = DemoContext(la=la, users={"school_leader": elsewhere}, seed=7, out_dir=tmp_path, log=lines.append)
    demo.load(ctx)

    case = Case.objects.get(school__urn=300001)
    assert case.state == CaseState.IMPLEMENTATION
    decision = Decision.objects.get(pk=case.intervention_decision_id)
    assert decision.is_published and decision.redactions[0]["reason"] == "Personal data"
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "[Withheld: Personal data]" in page and "chair's personal circumstances" not in page

    # The school's own head answered the consultation and rated the support; their password is printed.
    school = Consultation.objects.get(case=case).case.school
    answered = AuditEvent.objects.get(
        action="consultation.answered", object_id=str(case.consultations.get().pk)
    )
    assert answered.actor.role == "school_leader" and answered.actor.scope_establishment == school
    req = SupportRequest.objects.get()
    assert req.state == "closed" and req.rating.score == 5 and req.rating.rated_by == answered.actor
    assert answered.actor.username in ctx.passwords and ctx.users["school_leader"] == elsewhere

    # The partnership was made through the registry's audited services.
    review = PeerReview.objects.get()
    assert review.actions.count() == 2
    assert AuditEvent.objects.filter(action="partnership.created").count() == 1
    assert AuditEvent.objects.filter(action="membership.added").count() == 3

    # The academy-order path: issued by the regional officer, sponsor recorded, both kinds on the register.
    order = AcademyOrder.objects.get()
    assert order.case.school.urn == 300004 and order.issued_by.role == "regional_officer"
    assert order.sponsor_group == trust and order.state == "sponsor_found"
    kinds = set(Decision.objects.published().values_list("decision_type", flat=True))
    assert {"intervention", "academy_order", "sponsor_match"} <= kinds
    assert "[Withheld: Child protection]" in client.get(f"/decisions/{order.decision_id}/").content.decode()
    assert len(lines) == 4


@pytest.mark.parametrize("rating", ["Serious Weaknesses", "Special Measures"])
def test_demo_issues_the_academy_order_for_a_school_in_an_ofsted_category(las, tmp_path, rating):
    """Both categories of concern are inadequate judgements (GIAS records them in place of 'Inadequate'): the demo
    picks such a school for its academy order, as the casework and brokerage do."""
    from schoolsystem.improvement import demo

    la = las[0]
    make_school(la, 300001, name="Weak Primary", ofsted_rating="Requires improvement")
    make_school(la, 300002, name="Strong Primary", ofsted_rating="Outstanding")
    make_school(la, 300004, name="Category Primary", ofsted_rating=rating)
    lines = []
    demo.load(DemoContext(la=la, users={}, seed=7, out_dir=tmp_path, log=lines.append))
    order = AcademyOrder.objects.get()
    assert order.case.school.urn == 300004
    assert not any("no academy order" in line for line in lines)
