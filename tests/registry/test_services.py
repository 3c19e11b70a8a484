"""Registry services: permission rules, membership history, system leader rules, audit and atomicity."""

from datetime import date
from unittest import mock

import pytest

from schoolsystem.core.audit import history_for
from schoolsystem.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry import services
from schoolsystem.registry.constants import GroupStatus
from schoolsystem.registry.models import Group, Membership
from tests.api.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


# Who may edit which partnership: (role, scope attribute on world, group attribute, allowed)
EDIT_CASES = [
    ("la_officer", {"scope_la": "la_a"}, "tsa", True),
    ("la_officer", {"scope_la": "la_a"}, "pb", False),
    ("la_officer", {"scope_la": "la_b"}, "pb", True),
    ("la_officer", {"scope_la": "la_a"}, "mat", False),  # formal: GIAS only
    ("school_leader", {"scope_establishment": "a1"}, "tsa", True),  # a1 leads the TSA
    ("school_leader", {"scope_establishment": "b1"}, "pb", False),  # b1 is a member, not the lead
    ("trust_leader", {"scope_group": "pb"}, "pb", True),
    ("trust_leader", {"scope_group": "pb"}, "tsa", False),
    ("regional_officer", {"scope_region": "South East"}, "tsa", False),
    ("public", {}, "tsa", False),
]


@pytest.mark.parametrize("role, scope, group, allowed", EDIT_CASES)
def test_partnership_edit_rules(world, make_user, role, scope, group, allowed):
    user = make_user(role, **{k: (getattr(world, v) if k != "scope_region" else v) for k, v in scope.items()})
    target = getattr(world, group)
    assert services.partnerships_editable_by(user).filter(pk=target.pk).exists() is allowed
    if allowed:
        assert services.group_for_edit(user, target.pk) == target
        services.partnership_update(by=user, group=target, description="edited")
    else:
        with pytest.raises(NotFound):
            services.group_for_edit(user, target.pk)
        with pytest.raises(PermissionDenied):
            services.partnership_update(by=user, group=target, description="edited")


def test_superuser_may_edit_every_informal_partnership(world, make_user):
    admin = make_user("public", is_superuser=True)
    assert set(services.partnerships_editable_by(admin)) == {world.tsa, world.pb}


@pytest.mark.parametrize(
    "role, scope, la, allowed",
    [
        ("la_officer", {"scope_la": "la_a"}, "la_a", True),
        ("la_officer", {"scope_la": "la_a"}, "la_b", False),
        ("school_leader", {"scope_establishment": "b1"}, "la_b", True),
        ("school_leader", {"scope_establishment": "b1"}, "la_a", False),
        ("trust_leader", {"scope_group": "pb"}, "la_b", False),
        ("public", {}, "la_a", False),
    ],
)
def test_partnership_create_rules(world, make_user, role, scope, la, allowed):
    user = make_user(role, **{k: getattr(world, v) for k, v in scope.items()})
    assert services.may_create_partnership(user, getattr(world, la)) is allowed


def test_head_creating_a_partnership_makes_their_school_its_lead(world, make_user):
    head = make_user("school_leader", scope_establishment=world.b1)
    group = services.partnership_create(
        by=head, name="Camden Maths Hub", group_type="national_network", opened_on=date(2024, 9, 1)
    )
    assert group.la == world.la_b
    lead = group.memberships.get()
    assert (lead.establishment, lead.role, lead.joined_on) == (world.b1, "lead", date(2024, 9, 1))
    assert services.partnerships_editable_by(head).filter(pk=group.pk).exists()


def test_formal_group_types_cannot_be_created(world, make_user):
    with pytest.raises(ValidationFailed) as exc:
        services.partnership_create(by=None, name="Fake MAT", group_type="mat")
    assert list(exc.value.extra["errors"]) == ["group_type"]


def test_duplicate_open_partnership_is_refused(world):
    with pytest.raises(ValidationFailed, match="already exists"):
        services.partnership_create(
            by=None,
            name="ashford teaching school alliance",
            group_type="teaching_school_alliance",
            la=world.la_a,
        )


def test_partnership_update_records_old_and_new_values(world, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    services.partnership_update(by=officer, group=world.tsa, name="Ashford TSA", opened_on=date(2014, 9, 1))
    event = history_for(world.tsa).get()
    assert event.action == "partnership.updated"
    assert event.actor == officer
    assert event.changes == {
        "name": ["Ashford Teaching School Alliance", "Ashford TSA"],
        "opened_on": [None, "2014-09-01"],
    }


def test_only_an_administrator_may_move_a_partnership_to_another_la(world, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    with pytest.raises(PermissionDenied):
        services.partnership_update(by=officer, group=world.tsa, la=world.la_b)
    services.partnership_update(by=make_user("public", is_superuser=True), group=world.tsa, la=world.la_b)
    world.tsa.refresh_from_db()
    assert world.tsa.la == world.la_b


def test_close_ends_every_current_membership_and_keeps_them(world):
    services.membership_add(
        by=None, group=world.tsa, establishment=world.a2, role="member", joined_on=date(2020, 1, 1)
    )
    services.partnership_close(by=None, group=world.tsa, closed_on=date(2024, 8, 31))
    world.tsa.refresh_from_db()
    assert world.tsa.status == GroupStatus.CLOSED
    assert list(world.tsa.memberships.values_list("left_on", flat=True)) == [date(2024, 8, 31)] * 2
    with pytest.raises(InvalidTransition):
        services.membership_add(
            by=None, group=world.tsa, establishment=world.a2, role="member", joined_on=date(2025, 1, 1)
        )


def test_close_before_a_member_joined_is_refused_and_nothing_changes(world):
    with pytest.raises(ValidationFailed, match="after the closing date"):
        services.partnership_close(by=None, group=world.tsa, closed_on=date(2017, 1, 1))
    world.tsa.refresh_from_db()
    assert world.tsa.status == GroupStatus.OPEN
    assert not AuditEvent.objects.exists()


def test_membership_history_is_kept_across_leaving_and_rejoining(world):
    services.membership_end(by=None, membership=world.tsa_lead, left_on=date(2020, 8, 31))
    again = services.membership_add(
        by=None, group=world.tsa, establishment=world.a1, role="member", joined_on=date(2022, 9, 1)
    )
    rows = list(Membership.objects.filter(group=world.tsa, establishment=world.a1).order_by("joined_on"))
    assert [(m.role, m.joined_on, m.left_on) for m in rows] == [
        ("lead", date(2018, 9, 1), date(2020, 8, 31)),
        ("member", date(2022, 9, 1), None),
    ]
    assert again.is_current


def test_duplicate_current_membership_is_refused_with_a_clear_error(world):
    with pytest.raises(ValidationFailed) as exc:
        services.membership_add(
            by=None, group=world.tsa, establishment=world.a1, role="member", joined_on=date(2023, 1, 1)
        )
    assert exc.value.message == (
        "Ashford Primary School (URN 125001) is already a current member of Ashford Teaching School Alliance "
        "since 01/09/2018."
    )


def test_membership_end_refuses_leaving_before_joining_and_ending_twice(world):
    with pytest.raises(ValidationFailed, match="on or after the joining date"):
        services.membership_end(by=None, membership=world.tsa_lead, left_on=date(2018, 8, 31))
    services.membership_end(
        by=None, membership=world.tsa_lead, left_on=date(2018, 9, 1)
    )  # same day is allowed
    with pytest.raises(InvalidTransition, match="already left"):
        services.membership_end(by=None, membership=world.tsa_lead, left_on=date(2019, 1, 1))


def test_memberships_of_formal_groups_are_not_edited_here(world):
    with pytest.raises(PermissionDenied, match="GIAS"):
        services.membership_add(
            by=None, group=world.mat, establishment=world.a1, role="member", joined_on=date(2023, 1, 1)
        )


def test_joining_after_the_school_closed_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.membership_add(
            by=None, group=world.tsa, establishment=world.a3, role="member", joined_on=date(2016, 1, 1)
        )
    assert list(exc.value.extra["errors"]) == ["joined_on"]


def test_a_failure_after_writing_rolls_everything_back(world):
    with (
        mock.patch("schoolsystem.registry.services._audit", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.partnership_create(by=None, name="Half Made", group_type="send_network", la=world.la_a)
    assert not Group.objects.filter(name="Half Made").exists()


def test_system_import_actor_label_is_recorded(world):
    group = services.partnership_create(
        by=None, name="From a file", group_type="send_network", actor_label="import:partnerships"
    )
    assert history_for(group).get().who == "import:partnerships"


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"designation": "XLE"}, {"designation"}),
        ({"designation": "LLE", "establishment": None}, {"establishment"}),
        ({"designation": "LLE", "national_support_school": True}, {"national_support_school"}),
        (
            {"designated_on": date(2020, 1, 1), "designation_ends_on": date(2019, 1, 1)},
            {"designation_ends_on"},
        ),
        ({"days_per_term": 66}, {"days_per_term"}),
        ({"teaching_school_alliance": "pb"}, {"teaching_school_alliance"}),
        ({"name": " "}, {"name"}),
    ],
)
def test_system_leader_rules(world, fields, bad):
    kwargs = {"name": "Gil Example", "designation": "NLE", "establishment": world.a2, **fields}
    if kwargs.get("teaching_school_alliance") == "pb":
        kwargs["teaching_school_alliance"] = world.pb
    with pytest.raises(ValidationFailed) as exc:
        services.system_leader_create(by=None, **kwargs)
    assert set(exc.value.extra["errors"]) == bad


def test_an_nlg_needs_no_school_and_an_sle_may_belong_to_a_tsa(world):
    nlg = services.system_leader_create(by=None, name="Hal Example", designation="NLG")
    sle = services.system_leader_create(
        by=None,
        name="Ivy Example",
        designation="SLE",
        establishment=world.a2,
        teaching_school_alliance=world.tsa,
    )
    assert nlg.establishment is None and sle.teaching_school_alliance == world.tsa


def test_system_leader_scope_and_end(world, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    with pytest.raises(PermissionDenied):
        services.system_leader_create(by=officer, name="Jo", designation="LLE", establishment=world.b1)
    with pytest.raises(NotFound):
        services.system_leader_for_edit(officer, world.sle.pk)
    leader = services.system_leader_for_edit(officer, world.nle.pk)
    services.system_leader_end(by=officer, leader=leader, ended_on=date(2021, 8, 31))
    with pytest.raises(InvalidTransition):
        services.system_leader_end(by=officer, leader=leader, ended_on=date(2022, 8, 31))
    event = history_for(leader).get()
    assert event.changes == {"designation_ends_on": [None, "2021-08-31"]}
