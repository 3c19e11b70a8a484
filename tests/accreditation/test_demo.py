"""The demo loader, run against a small hand-made LA."""

import pytest

from schoolsystem.accreditation import demo, selectors
from schoolsystem.accreditation.constants import Status
from schoolsystem.accreditation.models import Application, Complaint, InformationRequest
from schoolsystem.core.demo import DemoContext
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(make_user, tmp_path):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    common = {
        "la": la,
        "type_group": "Local authority maintained schools",
        "status": "open",
        "type_name": "Community school",
    }
    for i, (phase, rating) in enumerate(
        [("Primary", "Outstanding"), ("Primary", "Good"), ("Secondary", "Good")]
    ):
        Establishment.objects.create(
            urn=100 + i,
            name=f"School {i}",
            phase=phase,
            ofsted_rating=rating,
            easting=500000 + i,
            northing=150000,
            **common,
        )
    fed = Group.objects.create(
        uid=9001,
        name="Oak Federation",
        group_type="federation",
        la=la,
        head_office_easting=501000,
        head_office_northing=151000,
    )
    Membership.objects.create(establishment=Establishment.objects.get(urn=101), group=fed)
    users = {
        "applicant": make_user("applicant", username="applicant"),
        "decision_maker": make_user("decision_maker"),
    }
    return DemoContext(la=la, users=users, seed=7, out_dir=tmp_path, log=lambda s: None)


def test_demo_builds_the_four_stories_through_services(ctx):
    demo.load(ctx)
    statuses = dict(Application.objects.values_list("organisation__name", "status"))
    assert statuses == {
        "School 0": Status.ACCREDITED,
        "Oak Federation": Status.ACCREDITED,
        "School 2": Status.FEEDBACK_RELEASED,
        "Surrey school improvement service": Status.INELIGIBLE,
    }
    assert InformationRequest.objects.filter(answered_on__isnull=False).count() == 2
    assert (
        Application.objects.get(organisation__name="Oak Federation")
        .history.filter(action="advisory_review")
        .exists()
    )
    assert Complaint.objects.get().status == "under_review"
    assert (
        Application.objects.get(status=Status.INELIGIBLE)
        .ineligibility_reasons[0]
        .startswith("A local authority is not among the organisations")
    )
    feed = {row["name"]: row for row in selectors.accredited_pool_for_brokerage()}
    assert feed["School 0"]["establishment_urn"] == 100 and feed["School 0"]["max_schools"] == 2
    assert feed["Oak Federation"]["group_id"] is not None and feed["Oak Federation"]["easting"] == 501000
    assert feed["Oak Federation"]["max_schools"] == 5
    assert AuditEvent.objects.filter(action__startswith="accreditation.").count() > 40
    assert {"assessor", "advisory_group"} <= set(ctx.users)
    assert ctx.passwords  # new users' passwords are printed


def test_demo_runs_once(ctx):
    demo.load(ctx)
    demo.load(ctx)
    assert Application.objects.count() == 4


def test_demo_leaves_a_proposal_waiting_for_the_demo_assessor(ctx):
    Establishment.objects.create(
        urn=103, name="School 3", phase="Primary", ofsted_rating="Outstanding", la=ctx.la, easting=500003,
        northing=150000, type_group="Local authority maintained schools", status="open", type_name="Community school",
    )  # fmt: skip
    demo.load(ctx)
    waiting = Application.objects.exclude(
        status__in=[Status.ACCREDITED, Status.FEEDBACK_RELEASED, Status.INELIGIBLE]
    ).get()
    assert waiting.status == Status.IN_ASSESSMENT and waiting.assessor == ctx.users["assessor"]
    assert not waiting.scores.exists()
    assert Application.objects.filter(status=Status.ACCREDITED).count() == 2
