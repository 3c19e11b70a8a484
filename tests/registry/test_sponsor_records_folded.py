"""GIAS lists a trust and its academy sponsor record as two groups of one name. A school leader's home and the
school page show that organisation once, with its kinds joined ("Multi-academy trust and academy sponsor"),
as brokerage folds them; a sponsor of another name, or a sponsor membership that ended while the trust one is
current, stays its own row."""

import re
from datetime import date

import pytest
from django.urls import reverse

from schoolsystem.accounts.constants import Role
from schoolsystem.registry.models import Group, Membership
from tests.registry.pages_seed import seed_system

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def system():
    system = seed_system()
    surrey, elm = system["surrey"], system["elm"]
    # Oak Trust's own sponsor record (GIAS spells it in capitals in one file), and another sponsor.
    own = Group.objects.create(uid=9001, name="OAK  TRUST", group_type="sponsor", la=surrey)
    other = Group.objects.create(uid=9002, name="Diocese of Guildford", group_type="sponsor", la=surrey)
    Membership.objects.create(establishment=elm, group=own, joined_on=date(2016, 1, 1))
    Membership.objects.create(
        establishment=elm, group=other, joined_on=date(2012, 1, 1), left_on=date(2015, 12, 31)
    )
    system.update(own_sponsor=own, other_sponsor=other)
    return system


def test_school_home_lists_the_trust_once_as_trust_and_sponsor(client, make_user, system):
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["elm"]))
    response = client.get(reverse("registry:my-school"))
    assert response.status_code == 200
    page = text(response)
    assert page.count(">Oak Trust</a>") == 1
    assert ">OAK TRUST</a>" not in page and ">OAK  TRUST</a>" not in page
    assert "Multi-academy trust and academy sponsor" in page
    assert [m.group.name for m in response.context["home"].memberships] == ["Oak Trust"]


def test_school_page_memberships_fold_the_sponsor_record_but_keep_another_sponsor(client, make_user, system):
    client.force_login(make_user(Role.LA_OFFICER, scope_la=system["surrey"]))
    response = client.get(reverse("registry:school", args=[system["elm"].urn]))
    assert response.status_code == 200
    rows = [(m.group.name, m.kinds) for m in response.context["memberships"]]
    assert rows == [
        ("Oak Trust", "Multi-academy trust and academy sponsor"),
        ("Diocese of Guildford", "Academy sponsor"),
    ]
    table = text(response).split('id="memberships"')[1].split("</table>")[0]
    assert table.count("Oak Trust</a>") == 1 and "OAK" not in table
    assert "Multi-academy trust and academy sponsor" in table


def test_a_sponsor_record_alone_is_shown_as_a_sponsor(client, make_user, system):
    Membership.objects.filter(group__name="Oak Trust", establishment=system["elm"]).delete()
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["elm"]))
    page = text(client.get(reverse("registry:my-school")))
    assert ">OAK TRUST</a>" in page or ">OAK  TRUST</a>" in page
    assert "Academy sponsor" in page and "and academy sponsor" not in page


def test_school_home_queries_stay_fixed_with_the_fold(
    client, make_user, system, django_assert_max_num_queries
):
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["elm"]))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("registry:my-school")).status_code == 200
