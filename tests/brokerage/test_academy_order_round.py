"""An academy-order round and the improvement app agree: a school whose intervention case chose something else,
or whose order was revoked, is not matched with a sponsor; the round page says why each school is there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.core.errors import NotEligible
from schoolsystem.improvement.models import AcademyOrder, Case
from tests.brokerage.conftest import make_school


def _case(school, by, **kw):
    return Case.objects.create(
        school=school, state_changed_on=timezone.now(), sector="maintained", opened_by=by, **kw
    )


def _round(area, officer):
    return services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")


def test_a_school_whose_case_chose_another_intervention_is_refused(area, officer):
    _case(area["needy"], officer, state="implementation", intervention="third_party_support")
    with pytest.raises(NotEligible, match="its intervention case chose third-party support") as exc:
        services.round_add_school(by=officer, round=_round(area, officer), establishment=area["needy"])
    assert "urn" in exc.value.extra["errors"]


def test_a_school_whose_order_was_revoked_is_refused(area, officer):
    case = _case(area["needy"], officer, state="exited", intervention="sponsored_academy")
    AcademyOrder.objects.create(case=case, issued_on=timezone.localdate(), state="revoked", issued_by=officer)
    with pytest.raises(NotEligible, match="academy order was revoked"):
        services.round_add_school(by=officer, round=_round(area, officer), establishment=area["needy"])


def test_round_page_says_why_each_school_is_in_an_academy_order_round(
    client, area, officer, django_assert_max_num_queries
):
    good = make_school(area["la"], "Ordered Primary", 504_800, 150_300, ofsted_rating="Good")
    case = _case(good, officer, state="intervention_chosen", intervention="sponsored_academy")
    AcademyOrder.objects.create(
        case=case, issued_on=timezone.localdate().replace(month=3, day=2), issued_by=officer
    )
    r = _round(area, officer)
    for s in (area["needy"], good, area["church_needy"]):
        services.round_add_school(by=officer, round=r, establishment=s)
    services.round_plan(by=officer, round=r)
    client.force_login(officer)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert f"Academy order issued on 2 March {timezone.localdate().year}" in page
    assert "Ofsted: Inadequate. An inadequate maintained school gets an academy order" in page
    assert "No Ofsted judgement recorded" in page
