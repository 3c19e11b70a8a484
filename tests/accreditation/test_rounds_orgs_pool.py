"""Rounds that do not overlap, organisations edited after registering, out-of-round arrangements, bank
holidays on the clock, the schools a provider leads (recorded and from the registry), the register's filters."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from schoolsystem.accreditation import selectors, services
from schoolsystem.accreditation.constants import Status
from schoolsystem.accreditation.models import Coverage, LedSchool
from schoolsystem.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.engines import accreditation as rules
from schoolsystem.registry.models import Establishment, Group, Membership

pytestmark = pytest.mark.django_db
D = date


# --- rounds ----------------------------------------------------------------------------------------------------


def test_round_must_close_after_it_opens(people):
    with pytest.raises(ValidationFailed) as exc:
        services.round_create(name="Spring", opens_on=D(2026, 1, 5), closes_on=D(2026, 1, 5), by=people["dm"])
    assert set(exc.value.extra["errors"]) == {"closes_on"}


@pytest.mark.parametrize(
    ("opens", "closes", "clashes"),
    [
        (D(2026, 3, 31), D(2026, 5, 1), True),  # overlaps the end
        (D(2025, 12, 1), D(2026, 1, 5), True),  # overlaps the start (shared day)
        (D(2026, 1, 10), D(2026, 2, 1), True),  # inside
        (D(2026, 4, 1), D(2026, 7, 1), False),  # the day after
    ],
)
def test_rounds_cannot_overlap(people, opens, closes, clashes):
    services.round_create(name="Spring", opens_on=D(2026, 1, 5), closes_on=D(2026, 3, 31), by=people["dm"])
    if clashes:
        with pytest.raises(ValidationFailed, match="overlap"):
            services.round_create(name="Summer", opens_on=opens, closes_on=closes, by=people["dm"])
    else:
        assert services.round_create(name="Summer", opens_on=opens, closes_on=closes, by=people["dm"]).pk


def test_round_update_checks_the_same_rules_but_not_against_itself(people):
    spring = services.round_create(
        name="Spring", opens_on=D(2026, 1, 5), closes_on=D(2026, 3, 31), by=people["dm"]
    )
    services.round_create(name="Summer", opens_on=D(2026, 4, 20), closes_on=D(2026, 7, 17), by=people["dm"])
    spring = services.round_update(
        round=spring, name="Spring term", opens_on=D(2026, 1, 6), closes_on=D(2026, 4, 1), by=people["dm"]
    )
    assert (spring.name, spring.closes_on) == ("Spring term", D(2026, 4, 1))
    with pytest.raises(ValidationFailed, match="overlap"):
        services.round_update(
            round=spring,
            name="Spring term",
            opens_on=D(2026, 1, 6),
            closes_on=D(2026, 4, 20),
            by=people["dm"],
        )
    with pytest.raises(ValidationFailed):
        services.round_update(
            round=spring, name="summer", opens_on=D(2026, 1, 6), closes_on=D(2026, 4, 1), by=people["dm"]
        )
    assert AuditEvent.objects.filter(action="accreditation.round_updated").count() == 1


def test_only_the_decision_maker_manages_rounds(people):
    with pytest.raises(PermissionDenied):
        services.round_create(
            name="X", opens_on=D(2026, 1, 1), closes_on=D(2026, 2, 1), by=people["assessor"]
        )


# --- organisations ---------------------------------------------------------------------------------------------


def test_member_edits_their_organisation_and_links_it_to_the_registry(make_org, school, la):
    org, applicant = make_org()
    group = Group.objects.create(uid=4001, name="Oak Federation", group_type="federation", la=la)
    services.organisation_update(
        organisation=org,
        org_type="federation",
        group=group,
        establishment=None,
        name="Oak Federation",
        by=applicant,
    )
    org.refresh_from_db()
    assert (org.org_type, org.group_id, org.name) == ("federation", group.pk, "Oak Federation")
    event = AuditEvent.objects.get(action="accreditation.organisation_updated")
    assert event.changes["org_type"] == ["maintained_primary", "federation"]


def test_organisation_update_rejects_bad_fields_and_outsiders(make_org):
    org, applicant = make_org()
    _, outsider = make_org(name="Elm Primary")
    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=org, name="Mine now", by=outsider)
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_update(organisation=org, name=" ", org_type="nonsense", by=applicant)
    assert set(exc.value.extra["errors"]) == {"name", "org_type"}
    with pytest.raises(ValidationFailed, match="Only maintained primary schools are National Support"):
        services.organisation_update(
            organisation=org, org_type="academy_trust", national_support_school=True, by=applicant
        )


def test_members_are_added_and_removed_but_the_last_one_stays(make_org, make_user):
    org, applicant = make_org()
    colleague = make_user("applicant")
    member = services.organisation_add_member(organisation=org, user=colleague, by=applicant)
    stranger = make_user("applicant")
    with pytest.raises(PermissionDenied):
        services.organisation_add_member(organisation=org, user=stranger, by=stranger)
    services.organisation_remove_member(member=member, by=applicant)
    with pytest.raises(ValidationFailed, match="at least one"):
        services.organisation_remove_member(member=org.members.get(), by=applicant)
    assert {"accreditation.member_added", "accreditation.member_removed"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


# --- out-of-round arrangements ---------------------------------------------------------------------------------


def test_decision_maker_records_who_agreed_an_out_of_round_proposal_and_when(drive, people):
    app, applicant = drive(Status.SUBMITTED)  # the fixture applies out of round, with a reason
    with pytest.raises(PermissionDenied):
        services.application_record_arrangement(
            application=app, agreed_by="Me", agreed_on=D(2026, 1, 1), by=applicant
        )
    with pytest.raises(ValidationFailed) as exc:
        services.application_record_arrangement(
            application=app, agreed_by="", agreed_on=None, by=people["dm"]
        )
    assert set(exc.value.extra["errors"]) == {"agreed_by", "agreed_on"}
    today = timezone.localdate()
    app = services.application_record_arrangement(
        application=app, agreed_by="J Smith, DCSF", agreed_on=today, by=people["dm"]
    )
    assert (app.out_of_round_agreed_by, app.out_of_round_agreed_on) == ("J Smith, DCSF", today)
    assert app.out_of_round_reason == "Asked by the LA to lead a federation now."
    assert app.history.filter(action="arrangement_recorded").exists()


def test_no_arrangement_for_a_proposal_made_in_a_round(drive, make_org, open_round, people):
    org, applicant = make_org()
    app = services.application_start(
        organisation=org, accreditation_type="ASP", round=open_round, by=applicant
    )
    with pytest.raises(InvalidTransition):
        services.application_record_arrangement(
            application=app, agreed_by="X", agreed_on=timezone.localdate(), by=people["dm"]
        )


@pytest.mark.parametrize(
    "day,in_round", [(D(2027, 1, 4), True), (D(2027, 3, 31), True), (D(2027, 4, 1), False)]
)
def test_a_proposal_is_in_round_while_the_open_round_is_its_round(make_org, people, day, in_round):
    """One answer to "which round is open on a day" (selectors.open_round), used by the form's default and by
    completeness: the first and last days count."""
    spring = services.round_create(
        name="Spring", opens_on=D(2027, 1, 4), closes_on=D(2027, 3, 31), by=people["dm"]
    )
    org, applicant = make_org()
    app = services.application_start(organisation=org, accreditation_type="ASP", round=spring, by=applicant)
    assert (selectors.open_round(today=day) == spring) is in_round
    gaps = services.completeness_errors(app, today=day)
    assert ("out_of_round_reason" not in gaps) is in_round
    if not in_round:
        assert gaps["out_of_round_reason"][0].startswith(
            "The round you chose, Spring (4 January 2027 to 31 March"
        )


# --- bank holidays ---------------------------------------------------------------------------------------------


def test_no_hand_written_list_the_engine_gives_the_bank_holidays(settings):
    assert settings.ACCREDITATION_BANK_HOLIDAYS == []  # only one-off extra days go in settings
    days = selectors.bank_holidays(D(2026, 1, 1), D(2028, 12, 31))
    assert D(2026, 12, 28) in days and D(2026, 12, 26) not in days  # substitute day for Boxing Day
    assert D(2028, 4, 14) in days and D(2028, 4, 17) in days  # Easter 2028: past the old list's last year
    assert all(d.weekday() < 5 for d in days)


def test_bad_bank_holiday_setting_fails_loudly(settings):
    with pytest.raises(ValueError, match="2026-13-01"):
        rules.parse_holidays(["2026-13-01"])
    settings.ACCREDITATION_BANK_HOLIDAYS = ["2026-13-01"]
    with pytest.raises(ValueError, match="2026-13-01"):
        selectors.bank_holidays(D(2026, 1, 1), D(2026, 2, 1))


def test_clock_skips_bank_holidays_of_any_year_and_one_off_days_from_settings(drive, settings):
    app, _ = drive(Status.SUBMITTED)
    # Submitted Thursday 2 April 2026; Good Friday 3 and Easter Monday 6 April are bank holidays.
    app.submitted_on = timezone.make_aware(datetime(2026, 4, 2, 10, 0))
    assert selectors.clock_for(app, today=D(2026, 4, 9)) == 3
    settings.ACCREDITATION_BANK_HOLIDAYS = ["2026-04-08"]  # a one-off day the operator adds
    assert selectors.clock_for(app, today=D(2026, 4, 9)) == 2
    del settings.ACCREDITATION_BANK_HOLIDAYS
    assert selectors.clock_for(app, today=D(2026, 4, 9)) == 3  # no setting: still no bank holidays counted
    # Thursday 13 April 2028 to Thursday 20 April 2028 over Easter 2028 (Good Friday 14, Easter Monday 17): the
    # hand-written list stopped at 2027, the engine does not.
    app.submitted_on = timezone.make_aware(datetime(2028, 4, 13, 10, 0))
    assert selectors.clock_for(app, today=D(2028, 4, 20)) == 3
    # Over a new year: Wednesday 30 December 2026 to Monday 4 January 2027 (1 January a bank holiday).
    app.submitted_on = timezone.make_aware(datetime(2026, 12, 30, 10, 0))
    assert selectors.clock_for(app, today=D(2027, 1, 4)) == 2


# --- the schools a provider leads ------------------------------------------------------------------------------


def _school(la, urn, name):
    return Establishment.objects.create(
        urn=urn, la=la, name=name, type_name="Community school", type_group="Local authority maintained schools",
        status="open", phase="Primary",
    )  # fmt: skip


def test_officer_records_the_schools_a_provider_leads_which_sets_current_schools(drive, people, la):
    app, applicant = drive(Status.ACCREDITED)
    acc = app.accreditation
    a, b = _school(la, 200001, "Ash"), _school(la, 200002, "Birch")
    with pytest.raises(PermissionDenied):
        services.accreditation_record_led_schools(accreditation=acc, establishments=[a], by=applicant)
    acc = services.accreditation_record_led_schools(accreditation=acc, establishments=[a, b], by=people["dm"])
    assert acc.current_schools == 2
    acc = services.accreditation_record_led_schools(accreditation=acc, establishments=[b], by=people["dm"])
    assert acc.current_schools == 1
    assert list(LedSchool.objects.values_list("establishment__urn", flat=True)) == [200002]
    pool = {p["provider_id"]: p for p in selectors.accredited_pool_for_brokerage()}
    assert pool[acc.pk]["current_schools"] == 1
    events = AuditEvent.objects.filter(action="accreditation.led_schools_recorded").order_by("id")
    assert [e.changes["current_schools"] for e in events] == [[0, 2], [2, 1]]


def test_registry_membership_changes_update_a_group_providers_current_schools(drive, make_org, la):
    group = Group.objects.create(uid=4002, name="Willow Federation", group_type="federation", la=la)
    org = make_org(name="Willow Federation", org_type="federation", group=group)
    app, _ = drive(Status.ACCREDITED, "ASG", org=org)
    acc = app.accreditation
    a, b = _school(la, 200011, "Ash"), _school(la, 200012, "Birch")
    Membership.objects.create(establishment=a, group=group, role="lead")
    m = Membership.objects.create(establishment=b, group=group, role="member")
    acc.refresh_from_db()
    assert acc.current_schools == 2
    m.left_on = D(2026, 8, 31)
    m.save()
    acc.refresh_from_db()
    assert acc.current_schools == 1
    event = AuditEvent.objects.filter(action="accreditation.led_schools_synced").latest("id")
    assert event.actor is None and event.changes["current_schools"] == [2, 1]


def test_a_school_provider_leads_the_other_members_of_groups_it_leads(drive, make_org, school, la):
    org = make_org(name="Oak Primary", establishment=school)
    app, _ = drive(Status.ACCREDITED, org=org)
    group = Group.objects.create(
        uid=4003, name="Oak Partnership", group_type="collaborative_partnership", la=la
    )
    supported = _school(la, 200021, "Hazel")
    Membership.objects.create(establishment=supported, group=group, role="member")
    app.accreditation.refresh_from_db()
    assert app.accreditation.current_schools == 0  # Oak does not lead the group yet
    Membership.objects.create(establishment=school, group=group, role="lead")
    app.accreditation.refresh_from_db()
    assert set(app.accreditation.led_schools.values_list("establishment__urn", flat=True)) == {200021}
    assert app.accreditation.current_schools == 1


# --- register filters ------------------------------------------------------------------------------------------


def test_register_filters_phase_and_area_in_the_database(drive, make_org, people):
    app, _ = drive(Status.ACCREDITED)
    acc = app.accreditation
    assert set(Coverage.objects.filter(accreditation=acc).values_list("kind", "code")) == {
        ("phase", "primary"),
        ("la", "936"),
    }
    assert list(selectors.public_register(phase="primary", la_code="936")) == [acc]
    assert list(selectors.public_register(phase="secondary")) == []
    assert list(selectors.public_register(la_code="93")) == []  # whole codes only, no substring matches
    sql = str(selectors.public_register(phase="primary").query)
    assert "accreditation_coverage" in sql
