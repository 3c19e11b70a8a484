"""Pages that create and edit informal partnerships, their memberships and system leaders: scoped by ADR 0041,
audited through the services, errors in the GOV.UK error summary, history kept."""

from datetime import date

import pytest
from django.urls import reverse

from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Establishment, Group, Membership, SystemLeader
from tests.api.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def officer_a(world, make_user, client):
    user = make_user("la_officer", scope_la=world.la_a)
    client.force_login(user)
    return user


def test_officer_creates_a_partnership_adds_a_school_and_ends_its_membership(client, world, officer_a):
    overview = client.get(reverse("registry:overview")).content.decode()
    assert reverse("registry:partnership-new") in overview
    response = client.post(
        reverse("registry:partnership-new"),
        {
            "name": "North Surrey Maths Hub",
            "group_type": "collaborative_partnership",
            "opened_on": "2026-09-01",
        },
    )
    group = Group.objects.get(name="North Surrey Maths Hub")
    assert response.status_code == 302 and response.url == reverse("registry:group", args=[group.pk])
    assert group.la == world.la_a and group.opened_on == date(2026, 9, 1)
    assert AuditEvent.objects.filter(action="partnership.created", actor=officer_a).exists()

    page = client.get(response.url).content.decode()
    assert reverse("registry:membership-new", args=[group.pk]) in page
    added = client.post(
        reverse("registry:membership-new", args=[group.pk]),
        {"urn": world.b1.urn, "role": "member", "joined_on": "2026-09-02"},  # partners may come from any LA
    )
    assert added.status_code == 302
    membership = Membership.objects.get(group=group, establishment=world.b1)
    page = client.get(reverse("registry:group", args=[group.pk])).content.decode()
    assert (
        "Camden Primary School" in page and reverse("registry:membership-end", args=[membership.pk]) in page
    )

    ended = client.post(reverse("registry:membership-end", args=[membership.pk]), {"left_on": "2026-10-01"})
    assert ended.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == date(2026, 10, 1)  # kept, not deleted
    page = client.get(reverse("registry:group", args=[group.pk])).content.decode()
    assert (
        "Camden Primary School" in page
        and reverse("registry:membership-end", args=[membership.pk]) not in page
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "group_type": "collaborative_partnership"}, "name", "Enter name"),
        ({"name": "X", "group_type": "mat"}, "group_type", "Select kind of partnership from the list"),
        (
            {"name": "Ashford Teaching School Alliance", "group_type": "teaching_school_alliance"},
            "name",
            "already exists",
        ),
    ],
)
def test_bad_partnership_input_is_shown_on_the_field_and_nothing_is_written(
    client, officer_a, data, field, message
):
    before = Group.objects.count()
    response = client.post(reverse("registry:partnership-new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html and f'href="#id_{field}"' in html
    assert Group.objects.count() == before


def test_membership_errors_name_the_field(client, world, officer_a):
    url = reverse("registry:membership-new", args=[world.tsa.pk])
    unknown = client.post(url, {"urn": 999999, "role": "member", "joined_on": "2026-09-01"})
    assert unknown.status_code == 400 and "No school has this URN" in unknown.content.decode()
    twice = client.post(url, {"urn": world.a1.urn, "role": "member", "joined_on": "2026-09-01"})
    assert twice.status_code == 400 and "There is a problem" in twice.content.decode()
    assert Membership.objects.filter(group=world.tsa).count() == 1


def test_another_areas_partnership_and_formal_groups_cannot_be_edited(client, world, officer_a, make_user):
    for name in ("partnership-edit", "membership-new"):
        assert client.get(reverse(f"registry:{name}", args=[world.pb.pk])).status_code == 404  # Camden's
        assert client.get(reverse(f"registry:{name}", args=[world.mat.pk])).status_code == 404  # GIAS only
    assert (
        client.post(
            reverse("registry:membership-end", args=[world.pb_b1.pk]), {"left_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert Membership.objects.get(pk=world.pb_b1.pk).left_on is None
    page = client.get(reverse("registry:group", args=[world.pb.pk])).content.decode()
    assert reverse("registry:membership-new", args=[world.pb.pk]) not in page
    client.force_login(make_user("public"))
    assert client.get(reverse("registry:partnership-new")).status_code == 403
    assert (
        reverse("registry:partnership-new") not in client.get(reverse("registry:overview")).content.decode()
    )


def test_officer_records_and_edits_a_system_leader_in_their_area_only(client, world, officer_a):
    school_page = client.get(reverse("registry:school", args=[world.a2.urn])).content.decode()
    assert f"{reverse('registry:system-leader-new')}?urn={world.a2.urn}" in school_page
    response = client.post(
        reverse("registry:system-leader-new"),
        {"name": "Cara Lead", "designation": "LLE", "urn": world.a2.urn, "national_support_school": "False",
         "specialism": "Reading", "phase": "Secondary", "days_per_term": 6},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == reverse("registry:school", args=[world.a2.urn])
    leader = SystemLeader.objects.get(name="Cara Lead")
    assert leader.establishment == world.a2 and leader.days_per_term == 6
    page = client.get(response.url).content.decode()
    assert "Cara Lead" in page and reverse("registry:system-leader-edit", args=[leader.pk]) in page
    edited = client.post(
        reverse("registry:system-leader-edit", args=[leader.pk]),
        {"name": "Cara Lead", "designation": "NLE", "urn": world.a2.urn, "national_support_school": "True",
         "specialism": "Reading", "phase": "Secondary", "days_per_term": 10},
    )  # fmt: skip
    assert edited.status_code == 302
    leader.refresh_from_db()
    assert (leader.designation, leader.national_support_school, leader.days_per_term) == ("NLE", True, 10)
    assert AuditEvent.objects.filter(action__startswith="system_leader.", actor=officer_a).count() == 2

    elsewhere = client.post(
        reverse("registry:system-leader-new"),
        {"name": "Dan Far", "designation": "SLE", "urn": world.b1.urn, "days_per_term": 1},
    )
    assert elsewhere.status_code == 400 and "only at schools in your area" in elsewhere.content.decode()
    assert not SystemLeader.objects.filter(name="Dan Far").exists()
    assert (
        client.get(reverse("registry:system-leader-edit", args=[world.sle.pk])).status_code == 404
    )  # Camden's


def _csv(text: str, name: str = "partnerships.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD = (
    "group_name,group_type,la_code,urn,role,joined_on,left_on\n"
    "Ashford Reading Network,collaborative_partnership,936,125001,lead,2024-09-01,\n"
    "Ashford Reading Network,collaborative_partnership,936,125002,member,2024-09-01,\n"
)


def test_upload_is_checked_first_then_imported_all_or_nothing(client, world, officer_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    url = reverse("registry:partnership-upload")
    checked = client.post(url, {"kind": "partnerships", "file": _csv(GOOD)})
    html = checked.content.decode()
    assert (
        checked.status_code == 200 and "partnerships.csv is ready to import" in html and "2 created" in html
    )
    assert not Group.objects.filter(name="Ashford Reading Network").exists()  # a dry run writes nothing
    again = client.post(url, {"kind": "partnerships", "file": _csv(GOOD)})  # checked twice: one file kept
    assert len(list((tmp_path / "uploads").iterdir())) == 1
    assert (
        client.post(url, {"confirm": checked.context["token"]}).status_code == 302
    )  # the older check expired
    assert not Group.objects.filter(name="Ashford Reading Network").exists()
    token = again.context["token"]
    imported = client.post(url, {"confirm": token})
    assert imported.status_code == 302
    group = Group.objects.get(name="Ashford Reading Network")
    assert group.memberships.count() == 2
    assert AuditEvent.objects.filter(action="partnership.created", actor=officer_a).exists()
    assert not any((tmp_path / "uploads").iterdir())  # the upload is removed once imported
    assert client.post(url, {"confirm": token}).status_code == 302  # a token works once
    assert group.memberships.count() == 2


def test_bad_upload_lists_every_problem_by_row_and_column_and_writes_nothing(
    client, world, officer_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    bad = GOOD + "Ashford Reading Network,collaborative_partnership,936,999999,member,2024-09-01,\n"
    bad += "Ashford Reading Network,collaborative_partnership,936,125002,member,01/09/2024,\n"
    response = client.post(
        reverse("registry:partnership-upload"), {"kind": "partnerships", "file": _csv(bad)}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "nothing was written" in html
    # The file is read first (a bad date stops it there), then checked against the register.
    assert "partnerships.csv, row 5, column" in html and "joined_on" in html and "not a date" in html
    bad = bad.replace("01/09/2024", "2024-09-01").replace(
        ",125002,member,2024-09-01,\n", ",125003,member,2024-09-01,\n"
    )
    response = client.post(
        reverse("registry:partnership-upload"), {"kind": "partnerships", "file": _csv(bad)}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "partnerships.csv, row 4, column" in html and "999999" in html
    assert not Group.objects.filter(name="Ashford Reading Network").exists()


def test_upload_applies_the_users_own_permissions(client, world, officer_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    camden = "group_name,group_type,la_code,urn,role,joined_on,left_on\nCamden Net,collaborative_partnership,202,100001,lead,2024-09-01,\n"
    response = client.post(
        reverse("registry:partnership-upload"), {"kind": "partnerships", "file": _csv(camden)}
    )
    assert response.status_code == 400 and "own local authority" in response.content.decode()
    assert not Group.objects.filter(name="Camden Net").exists()
    not_csv = client.post(
        reverse("registry:partnership-upload"), {"kind": "partnerships", "file": _csv(GOOD, "x.xlsx")}
    )
    assert not_csv.status_code == 400 and "Choose a CSV file" in not_csv.content.decode()


def test_system_leaders_upload_checked_then_imported(client, world, officer_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    text = (
        "name,designation,urn,national_support_school,specialism,phase,designated_on,designation_ends_on,"
        "days_per_term,teaching_school_alliance\n"
        "Eve Lead,LLE,125002,no,Maths,Secondary,2024-09-01,,8,\n"
    )
    url = reverse("registry:partnership-upload")
    checked = client.post(url, {"kind": "system-leaders", "file": _csv(text, "leaders.csv")})
    assert checked.status_code == 200 and "1 created" in checked.content.decode()
    assert not SystemLeader.objects.filter(name="Eve Lead").exists()
    assert client.post(url, {"confirm": checked.context["token"]}).status_code == 302
    leader = SystemLeader.objects.get(name="Eve Lead")
    assert leader.establishment == world.a2 and leader.days_per_term == 8
    assert AuditEvent.objects.filter(action="system_leader.created", actor=officer_a).exists()


def test_a_childrens_centre_with_a_five_digit_urn_joins_a_partnership(client, world, officer_a):
    """Found in review: GIAS gives children's centres 5-digit URNs (70 in Surrey's file, 20115 the first), and the
    form refused anything under 100000 as "not a URN"."""
    centre = Establishment.objects.create(
        la=world.la_a, urn=20115, name="Sunshine Children's Centre", type_name="Children's centre"
    )
    group = Group.objects.create(
        name="Early Years Partnership", group_type="collaborative_partnership", la=world.la_a
    )
    added = client.post(
        reverse("registry:membership-new", args=[group.pk]),
        {"urn": "20115", "role": "member", "joined_on": "2026-09-02"},
    )
    assert added.status_code == 302
    assert Membership.objects.filter(group=group, establishment=centre).exists()
    refused = client.post(
        reverse("registry:membership-new", args=[group.pk]),
        {"urn": "1000000", "role": "member", "joined_on": "2026-09-02"},
    )
    assert refused.status_code == 400
