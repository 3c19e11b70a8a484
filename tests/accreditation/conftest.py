"""Fixtures: users per role and proposals driven through the real services to any state."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from schoolsystem.accreditation import services
from schoolsystem.accreditation.constants import Criterion, Heading, Status
from schoolsystem.registry.models import Establishment, LocalAuthority

FULL = dict.fromkeys(Heading.values, 3)


@pytest.fixture
def la(db):
    return LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")


@pytest.fixture
def school(la):
    return Establishment.objects.create(
        urn=125000,
        la=la,
        name="Oak Primary",
        type_name="Community school",
        type_group="Local authority maintained schools",
        status="open",
        phase="Primary",
        easting=500100,
        northing=150200,
    )


@pytest.fixture
def people(make_user):
    return {
        "assessor": make_user("assessor", username="assessor"),
        "assessor2": make_user("assessor", username="assessor2"),
        "advisory": make_user("advisory_group", username="advisory"),
        "dm": make_user("decision_maker", username="dm"),
        "officer": make_user("public", username="member-of-public"),
    }


@pytest.fixture
def make_org(make_user):
    def make(name="Oak Primary", org_type="maintained_primary", **kw):
        staff = make_user("decision_maker")
        org = services.organisation_create(name=name, org_type=org_type, by=staff, **kw)
        applicant = make_user("applicant")
        services.organisation_add_member(organisation=org, user=applicant, by=staff)
        applicant.refresh_from_db()
        return org, applicant

    return make


@pytest.fixture
def open_round(people):
    today = timezone.localdate()
    return services.round_create(
        name="Spring",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
        by=people["dm"],
    )


def fill(app, applicant):
    # The area covered must be a local authority in the register.
    LocalAuthority.objects.get_or_create(code="936", defaults={"name": "Surrey", "region_name": "South East"})
    services.application_update_details(
        application=app,
        by=applicant,
        phases=["primary"],
        la_codes=["936"],
        proposed_capacity=2 if app.accreditation_type == "ASP" else 4,
        schools_led_in_formal_partnership=0 if app.accreditation_type == "ASP" else 2,
        primary_schools_governed=0 if app.accreditation_type == "ASP" else 3,
        out_of_round_reason="" if app.round_id else "Asked by the LA to lead a federation now.",
    )
    for criterion in (
        Criterion.VISION,
        Criterion.CAPACITY,
        Criterion.LEADERSHIP_MANAGEMENT,
        Criterion.PUPIL_ACHIEVEMENT,
        Criterion.PARTNERSHIP_WORKING,
    ):
        services.evidence_save(
            application=app, criterion=criterion, text=f"Evidence for {criterion}.", by=applicant
        )
    return app


@pytest.fixture
def drive(people, make_org):
    """drive(target_status, type="ASP") -> (application, applicant): a proposal moved there through services."""

    def run(target: str, accreditation_type: str = "ASP", org=None):
        if org is None:
            org = make_org(org_type="maintained_primary" if accreditation_type == "ASP" else "federation")
        organisation, applicant = org
        app = services.application_start(
            organisation=organisation, accreditation_type=accreditation_type, by=applicant
        )
        fill(app, applicant)
        if target == Status.DRAFT:
            return app, applicant
        if target == Status.WITHDRAWN:
            return services.application_withdraw(application=app, by=applicant), applicant
        if target == Status.INELIGIBLE:
            services.application_update_details(
                application=app, by=applicant, proposed_capacity=9, schools_led_in_formal_partnership=0
            )
            return services.application_submit(application=app, by=applicant), applicant
        app = services.application_submit(application=app, by=applicant)
        if target == Status.SUBMITTED:
            return app, applicant
        app = services.application_assign_assessor(
            application=app, assessor=people["assessor"], by=people["dm"]
        )
        if target == Status.IN_ASSESSMENT:
            return app, applicant
        services.information_request(application=app, request="Send KS2 results.", by=people["assessor"])
        app.refresh_from_db()
        if target == Status.AWAITING_INFORMATION:
            return app, applicant
        services.information_provide(application=app, response="Attached.", by=applicant)
        for heading, score in FULL.items():
            services.score_record(
                application=app, heading=heading, score=score, notes="ok", by=people["assessor"]
            )
        refuse = target in {Status.NOT_ACCREDITED, Status.FEEDBACK_REVIEW, Status.FEEDBACK_RELEASED}
        app = services.application_recommend(
            application=app,
            recommendation="do_not_accredit" if refuse else "accredit",
            note="Reasons.",
            by=people["assessor"],
        )
        if target == Status.ADVISORY_REVIEW:
            return app, applicant
        if app.status == Status.ADVISORY_REVIEW:
            app = services.application_advisory_review(application=app, note="Agree.", by=people["advisory"])
        if target == Status.AWAITING_DECISION:
            return app, applicant
        app = services.application_decide(
            application=app, accredit=not refuse, note="Decided.", by=people["dm"]
        )
        if target in {Status.ACCREDITED, Status.NOT_ACCREDITED}:
            return app, applicant
        app = services.feedback_write(
            application=app, feedback="Track record too thin.", by=people["assessor"]
        )
        if target == Status.FEEDBACK_REVIEW:
            return app, applicant
        app = services.feedback_review(application=app, release=True, note="", by=people["advisory"])
        return app, applicant

    return run


@pytest.fixture
def today():
    return date.today()
