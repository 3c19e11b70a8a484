"""Open decisions: the contract the brokerage app uses, publication, redactions that never leak, public access."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolsystem.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement import services
from schoolsystem.improvement.models import Decision

SECRET = "Pupil X safeguarding referral 4471"


@pytest.fixture
def decision(school_a, officer):
    return services.decision_create(
        by=officer,
        subject="Federation of Alder Primary with Oak Primary",
        decision_type="intervention",
        establishment=school_a,
        decided_by_name="Northshire Director of Children's Services",
        decided_on=date(2026, 10, 1),
        options_considered=["LA support", "Federation"],
        criteria=["Standards over time", "Capacity of the lead school"],
        rationale=f"Governance broke down after {SECRET}.",
        consultation_outcome="The governing body agreed.",
    )


@pytest.fixture
def published(decision, officer):
    return services.decision_publish(
        by=officer,
        decision=decision,
        redactions=[
            {
                "field": "rationale",
                "withheld": "Details of a safeguarding referral",
                "reason": "Personal data of a child",
            }
        ],
    )


def test_create_records_every_part_and_la(decision, school_a):
    assert decision.reference == f"DEC-{decision.pk:06d}"
    assert decision.la == school_a.la and decision.status == "draft"
    assert decision.criteria == ["Standards over time", "Capacity of the lead school"]


def test_create_with_generic_source(school_a, officer):
    case = services.case_open(school=school_a, by=officer, reasons=["x"])
    d = services.decision_create(
        by=officer,
        subject="s",
        decision_type="brokerage",
        decided_by_name="RD",
        decided_on=date(2026, 1, 1),
        options_considered=["a"],
        criteria=["b"],
        rationale="r",
        source=case,
    )
    assert Decision.objects.get(pk=d.pk).source == case


def test_create_refuses_incomplete_input_naming_fields(officer):
    with pytest.raises(ValidationFailed) as err:
        services.decision_create(
            by=officer,
            subject="",
            decision_type="nonsense",
            decided_by_name="",
            decided_on=date(2026, 1, 1),
            options_considered=[" "],
            criteria=[],
            rationale="",
        )
    assert set(err.value.extra["errors"]) == {
        "subject",
        "decision_type",
        "decided_by_name",
        "options_considered",
        "criteria",
        "rationale",
    }


def test_school_leader_cannot_record_decisions(leader_a):
    with pytest.raises(PermissionDenied):
        services.decision_create(
            by=leader_a,
            subject="s",
            decision_type="other",
            decided_by_name="x",
            decided_on=date(2026, 1, 1),
            options_considered=["a"],
            criteria=["b"],
            rationale="r",
        )


def test_publish_twice_refused(published, officer):
    with pytest.raises(InvalidTransition):
        services.decision_publish(by=officer, decision=published)


@pytest.mark.parametrize(
    "redaction",
    [
        {"field": "urn", "withheld": "x", "reason": "y"},
        {"field": "rationale", "withheld": "", "reason": "y"},
        {"field": "rationale", "withheld": "x", "reason": ""},
    ],
)
def test_bad_redaction_refused_and_nothing_published(decision, officer, redaction):
    with pytest.raises(ValidationFailed):
        services.decision_publish(by=officer, decision=decision, redactions=[redaction])
    decision.refresh_from_db()
    assert decision.status == "draft"


def test_unpublished_decision_invisible_to_public(client, decision, make_user):
    assert client.get(reverse("decisions:register")).status_code == 200
    assert decision.subject not in client.get(reverse("decisions:register")).content.decode()
    assert client.get(reverse("decisions:detail", args=[decision.pk])).status_code == 404
    api = client.get("/api/v1/decisions/").json()
    assert api["count"] == 0
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert decision.subject not in client.get(reverse("decisions:export")).getvalue().decode()
    client.force_login(make_user("public"))
    assert client.get(reverse("decisions:detail", args=[decision.pk])).status_code == 404
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404


def test_published_decision_visible_without_sign_in_with_redaction_marked(client, published):
    page = client.get(reverse("decisions:detail", args=[published.pk])).content.decode()
    assert "[Withheld: Personal data of a child]" in page
    assert "Details of a safeguarding referral" in page  # what was withheld is said
    # The redactions table names the field as the page labels it, not by its code name.
    assert '<td class="govuk-table__cell">Rationale</td>' in page and ">rationale<" not in page
    assert "Federation" in page and "Standards over time" in page
    api = client.get(f"/api/v1/decisions/{published.pk}/").json()
    assert api["rationale"] == "[Withheld: Personal data of a child]"
    assert api["redactions"][0]["withheld"] == "Details of a safeguarding referral"
    assert api["subject"] == "Federation of Alder Primary with Oak Primary"


def test_withheld_text_never_leaks(client, published):
    urls = [
        reverse("decisions:register"),
        reverse("decisions:detail", args=[published.pk]),
        reverse("decisions:export"),
        "/api/v1/decisions/",
        f"/api/v1/decisions/{published.pk}/",
    ]
    for url in urls:
        body = client.get(url).getvalue().decode()
        assert SECRET not in body, url
        assert "Governance broke down" not in body, url
    # Searching for the withheld words finds nothing (search covers only the published text).
    assert client.get("/api/v1/decisions/", {"q": "safeguarding referral 4471"}).json()["count"] == 0
    assert SECRET not in client.get(reverse("decisions:register"), {"q": "4471"}).content.decode()
    assert "0 decisions" in client.get(reverse("decisions:register"), {"q": "4471"}).content.decode()


def test_register_filters(client, published, school_b, make_user):
    regional_b = make_user("regional_officer", scope_region="South East")  # academy orders are the region's
    other = services.decision_create(
        by=regional_b,
        subject="IEB for Damson",
        decision_type="academy_order",
        establishment=school_b,
        decided_by_name="RD",
        decided_on=date(2025, 5, 1),
        options_considered=["IEB"],
        criteria=["Safety"],
        rationale="r",
    )
    services.decision_publish(by=regional_b, decision=other)
    ids = lambda params: {d["id"] for d in client.get("/api/v1/decisions/", params).json()["results"]}  # noqa: E731
    assert ids({}) == {published.pk, other.pk}
    assert ids({"la": "902"}) == {other.pk}
    assert ids({"school": "100001"}) == {published.pk}
    assert ids({"school": "Damson"}) == {other.pk}
    assert ids({"type": "academy_order"}) == {other.pk}
    assert ids({"decided_from": "2026-01-01"}) == {published.pk}
    assert ids({"q": "Federation"}) == {published.pk}
    page = client.get(reverse("decisions:register"), {"la": "Southshire"}).content.decode()
    assert "IEB for Damson" in page and "Federation of Alder" not in page


def test_bad_filters_are_400_with_field_names(client, db):
    response = client.get("/api/v1/decisions/", {"type": "nope", "decided_from": "yesterday"})
    assert response.status_code == 400
    assert {"type", "decided_from"} <= set(response.json())
    page = client.get(reverse("decisions:register"), {"decided_from": "yesterday"})
    assert page.status_code == 400 and "govuk-error-summary" in page.content.decode()
    # A reversed range is an error the user can see, not an empty list.
    page = client.get(
        reverse("decisions:register"), {"decided_from": "2026-12-01", "decided_to": "2026-11-01"}
    )
    assert page.status_code == 400
    assert "must be the same as or after the" in page.content.decode().replace("&#x27;", "'")


def test_api_is_paginated(client, school_a, officer):
    for i in range(55):
        d = services.decision_create(
            by=officer,
            subject=f"D{i}",
            decision_type="other",
            decided_by_name="x",
            decided_on=date(2026, 1, 1),
            options_considered=["a"],
            criteria=["b"],
            rationale="r",
        )
        services.decision_publish(by=officer, decision=d)
    body = client.get("/api/v1/decisions/").json()
    assert body["count"] == 55 and len(body["results"]) == 50 and body["next"]


def test_register_query_count_does_not_grow(client, school_a, officer, django_assert_max_num_queries):
    for i in range(30):
        d = services.decision_create(
            by=officer,
            subject=f"D{i}",
            decision_type="other",
            establishment=school_a,
            decided_by_name="x",
            decided_on=date(2026, 1, 1),
            options_considered=["a"],
            criteria=["b"],
            rationale="r",
        )
        services.decision_publish(by=officer, decision=d)
    with django_assert_max_num_queries(6):
        client.get(reverse("decisions:register"))
    with django_assert_max_num_queries(6):
        client.get("/api/v1/decisions/")


def test_minutes_attached_and_downloadable_once_published(client, decision, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.decision_attach_minutes(
        by=officer, decision=decision, file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes")
    )
    assert client.get(reverse("decisions:minutes", args=[decision.pk])).status_code == 404
    services.decision_publish(by=officer, decision=decision)
    response = client.get(reverse("decisions:minutes", args=[decision.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 minutes"


def test_officer_publishes_with_redaction_through_the_page(client, decision, officer):
    client.force_login(officer)
    url = reverse("improvement:decision-manage", args=[decision.pk])
    bad = client.post(
        url,
        {
            "form": "publish",
            "redaction_1_field": "rationale",
            "redaction_1_withheld": "",
            "redaction_1_reason": "",
        },
    )
    assert bad.status_code == 400 and "Say what is withheld" in bad.content.decode()
    ok = client.post(
        url,
        {
            "form": "publish",
            "redaction_1_field": "rationale",
            "redaction_1_withheld": "Referral",
            "redaction_1_reason": "Child's data",
        },
    )
    assert ok.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "published" and decision.redactions[0]["reason"] == "Child's data"


def test_officer_of_another_la_cannot_manage_decision(client, decision, officer_b):
    client.force_login(officer_b)
    assert client.get(reverse("improvement:decision-manage", args=[decision.pk])).status_code == 404


def manual_decision_data(**over):
    data = {
        "urn": 100001,
        "subject": "Federate Alder Primary with Oak School",
        "decision_type": "intervention",
        "decided_by_name": "Cabinet member for children",
        "decided_on": "2026-10-01",
        "options_considered": "Federation\nLA support",
        "criteria": "Standards over time\nDistance",
        "rationale": "Oak has capacity. The head's medical leave was considered.",
        "consultation_outcome": "Governors agreed after a public meeting.",
    }
    data.update(over)
    return data


@pytest.mark.parametrize(
    "over, field",
    [
        ({"urn": 200001}, "urn"),  # another LA's school
        ({"decision_type": "whim"}, "decision_type"),
        ({"decided_by_name": ""}, "decided_by_name"),
        ({"decided_on": "yesterday"}, "decided_on"),
        ({"options_considered": "\n "}, "options_considered"),
        ({"criteria": ""}, "criteria"),
        ({"rationale": ""}, "rationale"),
        ({"consultation_outcome": ""}, "consultation_outcome"),
    ],
)
def test_record_decision_by_hand_refuses_bad_input(client, officer, school_a, school_b, over, field):
    client.force_login(officer)
    r = client.post(reverse("improvement:decision-new"), manual_decision_data(**over))
    body = r.content.decode()
    assert r.status_code == 400 and "govuk-error-summary" in body and f'href="#id_{field}"' in body
    assert not Decision.objects.exists()


def test_officer_records_publishes_with_redaction_and_attaches_minutes(
    client, officer, school_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    assert "Record a decision" in client.get(reverse("improvement:decision-list")).content.decode()
    r = client.post(reverse("improvement:decision-new"), manual_decision_data())
    decision = Decision.objects.get()
    assert r.status_code == 302 and r.url == reverse("improvement:decision-manage", args=[decision.pk])
    assert decision.options_considered == ["Federation", "LA support"] and decision.source_id == ""
    assert decision.establishment == school_a and decision.status == "draft"
    assert client.get(reverse("decisions:detail", args=[decision.pk])).status_code == 404  # not yet public
    url = reverse("improvement:decision-manage", args=[decision.pk])
    minutes = SimpleUploadedFile("cabinet-minutes.pdf", b"%PDF-1.4 cabinet")
    assert client.post(url, {"form": "minutes", "file": minutes}).status_code == 302
    r = client.post(
        url,
        {
            "form": "publish",
            "redaction_1_field": "rationale",
            "redaction_1_withheld": "The head's health",
            "redaction_1_reason": "Personal data",
        },
    )
    assert r.status_code == 302
    client.logout()
    public = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert "[Withheld: Personal data]" in public and "medical leave" not in public
    assert client.get(reverse("decisions:minutes", args=[decision.pk])).status_code == 200
    assert AuditEvent.objects.filter(action__startswith="decision.").count() == 3


def test_school_leader_cannot_record_a_decision_by_hand(client, leader_a, school_a):
    client.force_login(leader_a)
    assert "Record a decision" not in client.get(reverse("improvement:decision-list")).content.decode()
    r = client.post(reverse("improvement:decision-new"), manual_decision_data())
    assert r.status_code == 403 and not Decision.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("minutes.pdf", b"MZ\x90\x00 not a pdf", "not a valid .pdf"),
        ("minutes.exe", b"MZ\x90\x00", "must be one of"),
        ("minutes.pdf", b"", "empty"),
    ],
)
def test_minutes_that_are_not_a_real_document_are_refused(
    decision, officer, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationFailed, match=message):
        services.decision_attach_minutes(
            by=officer, decision=decision, file=SimpleUploadedFile(name, content)
        )
    decision.refresh_from_db()
    assert not decision.minutes and not any(tmp_path.rglob("*"))


def test_a_withheld_passage_is_replaced_where_it_stands_and_never_published(client, decision, officer):
    services.decision_publish(
        by=officer,
        decision=decision,
        redactions=[
            {
                "field": "rationale",
                "withheld": "Details of a referral",
                "reason": "Personal data",
                "passage": SECRET,
            },
            {
                "field": "criteria",
                "withheld": "A criterion",
                "reason": "Commercial",
                "passage": "Capacity of the lead",
            },
        ],
    )
    decision.refresh_from_db()
    public = services.public_values(decision)
    assert public["rationale"] == "Governance broke down after [Withheld: Personal data]."
    assert public["criteria"] == ["Standards over time", "[Withheld: Commercial] school"]
    page = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    api = client.get(f"/api/v1/decisions/{decision.pk}/").content.decode()
    csv_body = client.get(reverse("decisions:export")).getvalue().decode()
    for body in (page, api, csv_body):
        assert "Governance broke down after" in body and SECRET not in body and "4471" not in body
    assert "passage" not in api
    assert "0 decisions" in client.get(reverse("decisions:register"), {"q": "4471"}).content.decode()
    assert (
        "1 decision" in client.get(reverse("decisions:register"), {"q": "Governance broke"}).content.decode()
    )
    assert decision.redactions[0]["passage"] == SECRET  # kept for officers


def test_a_passage_that_is_not_in_the_field_is_refused(decision, officer):
    with pytest.raises(ValidationFailed) as err:
        services.decision_publish(
            by=officer,
            decision=decision,
            redactions=[
                {"field": "rationale", "withheld": "x", "reason": "y", "passage": "words never written"}
            ],
        )
    assert err.value.extra["errors"]["redactions"] == [
        "Redaction 1: the passage to withhold is not in the rationale."
    ]
    decision.refresh_from_db()
    assert decision.status != "published"


def test_the_publish_page_shows_a_passage_not_in_the_field_beside_it_and_keeps_what_was_typed(
    client, decision, officer
):
    """Found in review: the service's refusal went to the top of the page linked to nothing."""
    client.force_login(officer)
    url = reverse("improvement:decision-manage", args=[decision.pk])
    form = {"form": "publish", "redaction_1_field": "rationale", "redaction_1_withheld": "Referral",
            "redaction_1_reason": "Child's data", "redaction_1_passage": "words never written"}  # fmt: skip
    response = client.post(url, form)
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert (
        'href="#id_redaction_1_passage">The exact words to withhold in redaction 1 are not in the rationale: '
        "copy them from it" in page
    )
    assert 'value="words never written"' in page
    decision.refresh_from_db()
    assert decision.status != "published"


def test_the_publish_page_takes_a_passage(client, decision, officer):
    client.force_login(officer)
    url = reverse("improvement:decision-manage", args=[decision.pk])
    form = {"form": "publish", "redaction_1_field": "rationale", "redaction_1_withheld": "Referral",
            "redaction_1_reason": "Child's data", "redaction_1_passage": SECRET}  # fmt: skip
    assert client.post(url, form).status_code == 302
    decision.refresh_from_db()
    assert (
        services.public_values(decision)["rationale"]
        == "Governance broke down after [Withheld: Child's data]."
    )


@pytest.mark.parametrize(
    "who, decision_type, allowed",
    [
        ("officer", "intervention", True),
        ("regional", "academy_order", True),
        ("officer", "academy_order", False),
        ("officer", "academy_order_revocation", False),
        ("regional", "academy_order_revocation", True),
        ("officer", "accreditation", False),
        ("decision_maker", "accreditation", True),
        ("decision_maker", "intervention", False),
        ("leader_a", "other", False),
        ("leader_a", "not-a-type", False),
    ],
)
def test_one_rule_says_who_records_decisions_for_pages_and_services(
    request, make_user, who, decision_type, allowed
):
    user = make_user("decision_maker") if who == "decision_maker" else request.getfixturevalue(who)
    assert services.can_record_decision(user, decision_type) is allowed
    record = {
        "by": user,
        "subject": "s",
        "decision_type": decision_type,
        "decided_by_name": "x",
        "decided_on": date(2026, 1, 1),
        "options_considered": ["a"],
        "criteria": ["b"],
        "rationale": "r",
    }
    if allowed:
        services.decision_publish(by=user, decision=services.decision_create(**record))
    else:
        with pytest.raises(PermissionDenied, match="You may not record"):
            services.decision_create(**record)


def test_the_internal_page_of_a_published_decision_shows_the_redactions_applied(client, decision, officer):
    """Found in review: once published, the decision's own page no longer said what was withheld and why."""
    services.decision_publish(
        by=officer,
        decision=decision,
        redactions=[
            {"field": "rationale", "withheld": "Details of a referral", "reason": "Personal data of a child"},
            {
                "field": "consultation_outcome",
                "passage": "governing body",
                "withheld": "Who agreed",
                "reason": "Identifies individuals",
            },
        ],
    )
    client.force_login(officer)
    page = client.get(reverse("improvement:decision-manage", args=[decision.pk])).content.decode()
    table = page.split('id="redactions"', 1)[1].split("</table>", 1)[0]
    assert "Rationale" in table and "The whole field" in table and "Personal data of a child" in table
    assert "Consultation outcome" in table and "governing body" in table and "Identifies individuals" in table


def test_a_decision_published_in_full_says_so(client, decision, officer):
    services.decision_publish(by=officer, decision=decision, redactions=[])
    client.force_login(officer)
    page = client.get(reverse("improvement:decision-manage", args=[decision.pk])).content.decode()
    assert "None: the decision was published in full." in page


def test_a_filter_that_is_not_valid_lists_and_exports_nothing(client, published):
    """Found in review: 31 February showed its error, but the page and its CSV link gave every decision."""
    bad = {"decided_from_day": "31", "decided_from_month": "2", "decided_from_year": "2026"}
    page = client.get(reverse("decisions:register"), bad)
    assert page.status_code == 400 and page.context["page"].paginator.count == 0
    html = page.content.decode()
    assert html.index("govuk-error-summary") < html.index("<h1")  # the summary leads the page
    assert "Download these decisions as CSV" not in page.content.decode()
    with CaptureQueriesContext(connection) as on_page:
        client.get(reverse("decisions:register"), bad)
    with CaptureQueriesContext(connection) as on_export:
        export = client.get(reverse("decisions:export"), bad)
    assert export.status_code == 400 and export["Content-Type"].startswith("text/html")
    assert len(on_export) == len(on_page)  # the filter is read once, not again to show the page
    assert published.reference in client.get(reverse("decisions:export")).getvalue().decode()
