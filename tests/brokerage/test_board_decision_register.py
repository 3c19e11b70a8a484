"""User review of the demo: the advisory board's decisions went to the public register the moment they were
recorded, reasons and consultation summary verbatim ("Nothing was withheld"). They now take the register's one path,
draft -> review and redact -> publish (seed 003 proposal 7: redaction the exception), from the proposal page."""

from datetime import date

from django.test import Client
from django.urls import reverse

from schoolsystem.brokerage import services
from schoolsystem.improvement.models import Decision
from tests.brokerage.test_services import planned_round, walk_to_decision


def _decide_on_page(client, p):
    return client.post(
        reverse("brokerage:proposal", args=[p.pk]),
        {
            "action": "decision",
            "decision-outcome": "approved",
            "decision-reasons": "Best fit nearby; Mr Tom Example, chair of governors, asked for it.",
            "decision-decided_on": "2026-01-09",
            "decision-decided_by_name": "Regional advisory board",
        },
        follow=True,
    )


def test_regional_officer_publishes_the_board_decision_with_a_redaction_from_the_proposal_page(
    client, area, regional, make_user
):
    p = walk_to_decision(planned_round(area, regional).proposals.get(), regional)
    client.force_login(regional)
    page = _decide_on_page(client, p).content.decode()
    record = Decision.objects.get()
    manage = reverse("improvement:decision-manage", args=[record.pk])
    assert "It is a draft on the decision register" in page  # the success message
    assert f'href="{manage}"' in page and f"Review, redact and publish decision {record.reference}" in page
    assert record.status == "draft"
    public = Client()
    assert public.get(reverse("decisions:detail", args=[record.pk])).status_code == 404
    assert "Tom Example" not in public.get("/decisions/").content.decode()

    # A trust leader of the receiving trust sees the proposal, not a link to publish.
    leader = make_user("trust_leader", scope_group=p.group)
    leader_client = Client()
    leader_client.force_login(leader)
    seen = leader_client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()
    assert "Not yet published on the decision register" in seen and manage not in seen

    # The existing review page publishes it, with the name withheld.
    resp = client.post(
        manage,
        {
            "form": "publish",
            "redaction_1_field": "rationale",
            "redaction_1_withheld": "The name of a governor",
            "redaction_1_reason": "Personal data",
            "redaction_1_passage": "Mr Tom Example",
        },
    )
    assert resp.status_code == 302
    record.refresh_from_db()
    assert record.status == "published" and record.published_by == regional
    shown = public.get(reverse("decisions:detail", args=[record.pk])).content.decode()
    assert "Tom Example" not in shown and "Personal data" in shown and "Nothing was withheld" not in shown
    after = client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()
    assert f"published on the decision register as {record.reference}" in after and manage not in after


def test_officer_of_another_region_cannot_open_the_draft(client, area, regional, make_user):
    p = walk_to_decision(planned_round(area, regional).proposals.get(), regional)
    services.board_decide(
        by=regional,
        proposal=p,
        outcome="approved",
        reasons="Agreed.",
        decided_on=date(2026, 1, 9),
        decided_by_name="Regional advisory board",
    )
    record = Decision.objects.get()
    stranger = make_user("regional_officer", scope_region="London")
    client.force_login(stranger)
    assert client.get(reverse("improvement:decision-manage", args=[record.pk])).status_code == 404
    assert (
        client.post(reverse("improvement:decision-manage", args=[record.pk]), {"form": "publish"}).status_code
        == 404
    )
    record.refresh_from_db()
    assert record.status == "draft"


def test_the_review_page_links_back_to_the_proposal_for_those_who_may_open_it(
    client, area, regional, make_user
):
    p = walk_to_decision(planned_round(area, regional).proposals.get(), regional)
    services.board_decide(
        by=regional,
        proposal=p,
        outcome="approved",
        reasons="Agreed.",
        decided_on=date(2026, 1, 9),
        decided_by_name="Regional advisory board",
    )
    record = Decision.objects.get()
    manage = reverse("improvement:decision-manage", args=[record.pk])
    link = f'href="{reverse("brokerage:proposal", args=[p.pk])}"'
    client.force_login(regional)
    page = client.get(manage).content.decode()
    school = p.round_school.establishment.name
    assert link in page
    assert f"{school} to {p.partner_name}</a> (round {p.round.reference}, approved)" in page
    # The school's leader may review the school's decisions but not open brokerage's proposals: no link.
    head = make_user("school_leader", scope_establishment=p.round_school.establishment)
    client.force_login(head)
    page = client.get(manage)
    assert page.status_code == 200 and link not in page.content.decode()
    assert "Brokerage proposal" not in page.content.decode()
