"""Second demo review of casework: what must hold before an intervention is chosen (a consultation since the warning
notice, its compliance date passed), a compliance date that defaults to a working day, the decision to publish after
the choice, every dated item of a case in what is due, the open-a-case form, links between the risk, case and school
pages, the directory filled in for a school's head, and success messages that say what happened."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.formatting import govuk_date
from schoolsystem.engines.working_days import is_working_day
from schoolsystem.improvement import selectors, services
from schoolsystem.improvement.constants import CaseAction, CaseState, ConsultationOutcome, InterventionOption
from schoolsystem.improvement.models import Decision
from tests.improvement.factories import case_in_state, consult, make_school, today


def notice(case, by, *, issued_days_ago=0, comply_in=15):
    """Issue a warning notice `issued_days_ago` days ago with its compliance date `comply_in` days from today."""
    return services.case_issue_warning_notice(
        case=case,
        by=by,
        grounds=["standards"],
        issued_on=today() - timedelta(days=issued_days_ago),
        compliance_by=today() + timedelta(days=comply_in),
    )


def choose(case, by, option=InterventionOption.LA_SUPPORT):
    case.refresh_from_db()
    return services.case_choose_intervention(
        case=case,
        by=by,
        option=option,
        rationale="Capacity in the LA team.",
        options_considered=["LA support"],
        criteria=["Standards over time"],
    )


def page(client, user, case):
    client.force_login(user)
    return client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()


CHOOSE = "choose_intervention"


# 1. A consultation must follow the warning notice; the page says exactly what is missing.


def test_consultation_before_the_notice_does_not_count_and_the_message_says_so(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    services.case_record_consultation(
        case=case,
        by=officer,
        proposal="Federation",
        consulted_on=today() - timedelta(days=10),
        school_response="Agreed.",
        outcome=ConsultationOutcome.AGREED,
    )
    case.refresh_from_db()
    issued = today() - timedelta(days=5)
    notice(case, officer, issued_days_ago=5, comply_in=-1)
    with pytest.raises(ValidationFailed) as err:
        choose(case, officer)
    message = err.value.extra["errors"]["consultation"][0]
    assert f"held on or after {govuk_date(issued)}, the day the warning notice was issued" in message
    assert (
        f"The consultation of {govuk_date(today() - timedelta(days=10))} was held before the warning notice"
        in (message)
    )
    body = page(client, officer, case)
    action_url = reverse("improvement:case-action", args=[case.pk, CHOOSE])
    assert action_url not in body
    assert "Choose an intervention: not yet." in body and "was held before the warning notice" in body
    # The choose page itself names the precondition too, instead of a form.
    choose_page = client.get(action_url).content.decode()
    assert (
        "No intervention can be chosen now" in choose_page
        and "was held before the warning notice" in choose_page
    )
    assert 'id="main-form"' not in choose_page

    consult(case, officer)
    assert action_url in page(client, officer, case)
    assert choose(case, officer).state == CaseState.INTERVENTION_CHOSEN


def test_awaiting_consultation_is_named_as_what_is_missing(school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    consult(case, officer, outcome=ConsultationOutcome.AWAITING)
    missing = selectors.intervention_preconditions(case, options=[InterventionOption.LA_SUPPORT])
    assert set(missing) == {"consultation"}
    assert (
        f"The consultation of {govuk_date(today())} is awaiting the school's response"
        in missing["consultation"]
    )


# 2. An intervention waits for the compliance date (an academy order for an inadequate school does not).


def test_intervention_refused_until_the_compliance_date_has_passed(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    notice(case, officer, comply_in=15)
    consult(case, officer)
    with pytest.raises(ValidationFailed) as err:
        choose(case, officer)
    due = today() + timedelta(days=15)
    assert err.value.extra["errors"]["option"] == [
        f"The school has until {govuk_date(due)} to comply with the warning notice. An intervention can be "
        f"chosen from {govuk_date(due + timedelta(days=1))} if it has not complied."
    ]
    case.refresh_from_db()
    assert case.state == CaseState.WARNING_NOTICE and not Decision.objects.exists()
    body = page(client, officer, case)
    assert reverse("improvement:case-action", args=[case.pk, CHOOSE]) not in body
    assert f"The school has until {govuk_date(due)} to comply" in body
    # Through the page: the same message, and no form (nothing can be chosen before the compliance date).
    client.force_login(officer)
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, CHOOSE]),
        {
            "version": case.version,
            "option": "la_support",
            "options_considered": "LA support",
            "criteria": "Standards",
            "rationale": "r",
        },
    )
    assert response.status_code == 409 and "to comply with the warning notice" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.WARNING_NOTICE


def test_compliance_date_on_the_day_itself_still_waits(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    case = notice(case, officer, issued_days_ago=20, comply_in=0)
    consult(case, officer)
    assert "compliance" in selectors.intervention_preconditions(case, options=["la_support"])
    assert "compliance" not in selectors.intervention_preconditions(
        case, options=["la_support"], today=today() + timedelta(days=1)
    )


def test_academy_order_for_an_inadequate_school_does_not_wait(client, inadequate_a, officer, regional):
    case = case_in_state(CaseState.MONITORING, school=inadequate_a, by=officer)
    case = notice(case, officer, comply_in=15)
    consult(case, officer)
    assert selectors.intervention_options_now(case, regional) == [InterventionOption.SPONSORED_ACADEMY]
    body = page(client, regional, case)
    assert reverse("improvement:case-action", args=[case.pk, CHOOSE]) in body
    assert "until the compliance date passes, only sponsored academy through an academy order" in body
    with pytest.raises(ValidationFailed, match="to comply with the warning notice"):
        choose(case, regional, InterventionOption.IEB)
    assert choose(case, regional, InterventionOption.SPONSORED_ACADEMY).state == CaseState.INTERVENTION_CHOSEN


def test_default_compliance_date_skips_christmas_and_the_weekend():
    # 4 December 2026 + 21 days is Christmas Day; Boxing Day's substitute is Monday 28th.
    assert services.default_compliance_date(date(2026, 12, 4)) == date(2026, 12, 29)
    assert services.default_compliance_date(date(2026, 12, 1)) == date(2026, 12, 22)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_default_compliance_date_is_the_first_working_day_from_21_days(issued):
    default = services.default_compliance_date(issued)
    assert is_working_day(default)
    assert issued + timedelta(days=21) <= default <= issued + timedelta(days=27)
    assert not any(is_working_day(issued + timedelta(days=d)) for d in range(21, (default - issued).days))


def test_warning_notice_form_offers_the_working_day_default(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    form = client.get(reverse("improvement:case-action", args=[case.pk, "issue_warning_notice"])).context[
        "form"
    ]
    assert form.fields["compliance_by"].initial == services.default_compliance_date()
    assert form.fields["issued_on"].initial == today()


@pytest.mark.parametrize(
    ("issued_days_ago", "comply_in", "field", "words"),
    [
        (-1, 20, "issued_on", "must be today or in the past"),
        (10, -10, "compliance_by", "must be after the date the notice was issued"),
        (0, 0, "compliance_by", "must be in the future"),
    ],
)
def test_warning_notice_dates_are_checked(school_a, officer, issued_days_ago, comply_in, field, words):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        notice(case, officer, issued_days_ago=issued_days_ago, comply_in=comply_in)
    assert words in err.value.extra["errors"][field][0]


def test_notice_recorded_after_the_fact_keeps_its_dates(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    case = notice(case, officer, issued_days_ago=30, comply_in=-2)
    assert case.warning_notice_issued_on == today() - timedelta(days=30)
    assert case.events.first().data["issued_on"] == (today() - timedelta(days=30)).isoformat()


# 3. After the choice: the decision on the case page with "Publish the decision"; the decision links to the case.


def test_choice_leads_to_publishing_the_decision_and_the_pages_link_each_other(client, school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    consult(case, officer)
    client.force_login(officer)
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, CHOOSE]),
        {
            "version": case.version + 1,  # the consultation moved the version on
            "option": "la_support",
            "options_considered": "LA support",
            "criteria": "Standards",
            "rationale": "Capacity in the LA team.",
        },
        follow=True,
    )
    decision = Decision.objects.get()
    body = response.content.decode()
    assert (
        f"Local authority support chosen for Alder Primary. Decision {decision.reference} is not public until you "
        "publish it" in body
    )
    manage = reverse("improvement:decision-manage", args=[decision.pk])
    assert f'href="{manage}#main-form">Publish the decision' in body
    assert f'href="{manage}">{decision.reference}</a>' in body and ">Draft</strong>" in body
    decision_page = client.get(manage).content.decode()
    assert (
        f'href="{reverse("improvement:case-detail", args=[case.pk])}">Case {case.pk}: Alder Primary</a>'
        in (decision_page)
    )
    assert any(
        t.label.startswith(f"Publish decision {decision.reference}")
        for t in selectors.tasks_for_user(officer)
    )
    services.decision_publish(by=officer, decision=decision)
    assert "Publish the decision" not in page(client, officer, case)
    assert not any(t.kind == "decision" for t in selectors.tasks_for_user(officer))


def test_decision_page_hides_the_case_link_from_users_who_cannot_see_the_case(school_a, officer, officer_b):
    case = case_in_state(CaseState.INTERVENTION_CHOSEN, school=school_a, by=officer)
    decision = case.intervention_decision
    assert selectors.case_for_decision(officer, decision) == case
    assert selectors.case_for_decision(officer_b, decision) is None


# 4. What is due: every date a case holds, by date.


def test_what_is_due_lists_every_date_on_a_case_by_date(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)  # a visit due in a term
    case = notice(case, officer, comply_in=10)
    consult(case, officer, outcome=ConsultationOutcome.AWAITING)
    case.refresh_from_db()
    services.case_escalate(case=case, by=officer, reason="Governors resigned.")
    labels = {t.label: t.due_on for t in selectors.tasks_for_user(officer)}
    assert labels == {
        "Escalated to the regional officer, who chooses the intervention: Alder Primary": today(),
        "Monitoring visit: Alder Primary": today() + timedelta(days=91),
        "Warning notice compliance date: Alder Primary": today() + timedelta(days=10),
        "School's response to the consultation: Alder Primary": today() + timedelta(days=14),
    }
    dates = [t.due_on for t in selectors.tasks_for_user(officer)]
    assert dates == sorted(dates)


def test_what_is_due_page_shows_the_compliance_date(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    notice(case, officer, comply_in=10)
    client.force_login(officer)
    body = client.get(reverse("improvement:home")).content.decode()
    assert "Warning notice compliance date: Alder Primary" in body
    due = today() + timedelta(days=10)
    assert f"{due.day} {due:%b} {due.year}" in body  # the table's short date


def test_what_is_due_queries_do_not_grow_with_cases(las, officer):
    def build(n, start):
        for i in range(n):
            school = make_school(las[0], start + i, name=f"School {start + i}")
            case = case_in_state(CaseState.WARNING_NOTICE, school=school, by=officer)
            consult(case, officer, outcome=ConsultationOutcome.AWAITING)

    build(1, 300000)
    with CaptureQueriesContext(connection) as one:
        selectors.tasks_for_user(officer)
    build(5, 300100)
    with CaptureQueriesContext(connection) as six:
        tasks = selectors.tasks_for_user(officer)
    assert len(six.captured_queries) == len(one.captured_queries)
    assert sum(t.label.startswith("School's response") for t in tasks) == 6


# 5. Opening a case from a school's risk page.


def test_open_a_case_names_the_school_and_goes_back_to_its_risk_page(client, school_a, officer):
    client.force_login(officer)
    url = reverse("improvement:case-open") + f"?source=risk_screen&urn={school_a.urn}"
    body = client.get(url).content.decode()
    assert "Open a case for Alder Primary</h1>" in body
    assert (
        f'<a href="{reverse("performance:school-risk", args=[school_a.urn])}" class="govuk-back-link">'
        in body
    )
    assert f'<input type="hidden" name="urn" value="{school_a.urn}"' in body and "School URN" not in body
    assert '<textarea class="govuk-textarea govuk-js-character-count" id="id_reasons" name="reasons"' in body
    from_school = client.get(
        reverse("improvement:case-open") + f"?urn={school_a.urn}&from=school"
    ).content.decode()
    assert (
        f'<a href="{reverse("registry:school", args=[school_a.urn])}" class="govuk-back-link">' in from_school
    )
    response = client.post(
        url, {"urn": school_a.urn, "source": "risk_screen", "reasons": "Progress well below"}
    )
    assert response.status_code == 302


def test_open_a_case_without_a_school_asks_for_the_urn(client, officer):
    client.force_login(officer)
    body = client.get(reverse("improvement:case-open")).content.decode()
    assert "School URN" in body and '<h1 class="govuk-heading-l">Open a case</h1>' in body


# 6. Risk, case and school pages link each other, within the user's scope.


def test_case_page_links_the_school_and_its_risk_page(client, school_a, officer):
    case = services.case_open(school=school_a, by=officer, reasons=["x"])
    body = page(client, officer, case)
    assert f'href="{reverse("registry:school", args=[school_a.urn])}"' in body
    assert f'href="{reverse("performance:school-risk", args=[school_a.urn])}"' in body


def test_risk_page_links_the_school_page(client, school_a, officer):
    client.force_login(officer)
    body = client.get(reverse("performance:school-risk", args=[school_a.urn])).content.decode()
    assert f'href="{reverse("registry:school", args=[school_a.urn])}">School details</a>' in body


def test_school_page_links_its_open_case_or_offers_to_open_one(
    client, school_a, officer, officer_b, leader_a, make_user
):
    school_url = reverse("registry:school", args=[school_a.urn])
    client.force_login(officer)
    body = client.get(school_url).content.decode()
    assert f'?urn={school_a.urn}&amp;from=school">Open a case</a>' in body
    case = services.case_open(school=school_a, by=officer, reasons=["x"])
    case_url = reverse("improvement:case-detail", args=[case.pk])
    assert f'href="{case_url}">Open case: identified</a>' in client.get(school_url).content.decode()
    client.force_login(leader_a)  # the head sees their school's case, and may not open one
    assert f'href="{case_url}">Open case: identified</a>' in client.get(school_url).content.decode()
    client.force_login(officer_b)  # another LA's officer: neither the case nor an offer to open one
    other = client.get(school_url).content.decode()
    assert case_url not in other and "Open a case" not in other
    client.force_login(make_user("public"))
    assert "Open case" not in client.get(school_url).content.decode()


# 7. The support directory and the request form start with a school leader's own school.


def test_directory_and_request_are_filled_in_with_the_heads_school(client, school_a, leader_a, offer):
    client.force_login(leader_a)
    search = reverse("improvement:offer-search")
    assert client.get(search).context["form"]["urn"].value() == school_a.urn
    response = client.get(search + "?needs=governance_review")  # a link that leaves the URN out
    assert response.status_code == 200 and response.context["school"] == school_a
    body = response.content.decode()
    request_url = (
        reverse("improvement:support-new")
        + f"?urn={school_a.urn}&amp;needs=governance_review&amp;days_needed=1"
    )
    assert f'href="{request_url}">Request support for Alder Primary</a>' in body
    page = client.get(reverse("improvement:support-new"))
    assert "urn" not in page.context["form"].fields  # the head's own school, fixed and named
    assert "Alder Primary (URN 100001)" in page.content.decode()
    form = client.get(request_url.replace("&amp;", "&")).context["form"]
    assert form["needs"].value() == ["governance_review"] and str(form["days_needed"].value()) == "1"


def test_officer_directory_search_is_not_prefilled(client, officer):
    client.force_login(officer)
    assert client.get(reverse("improvement:offer-search")).context["form"]["urn"].value() is None


# 8. Success messages say what happened.


def test_warning_notice_message_names_the_school_and_date(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    due = today() + timedelta(days=20)
    body = client.post(
        reverse("improvement:case-action", args=[case.pk, "issue_warning_notice"]),
        {"version": case.version, "grounds": ["standards"], "compliance_by": due.isoformat()},
        follow=True,
    ).content.decode()
    assert f"Warning notice issued to Alder Primary: it must comply by {govuk_date(due)}</p>" in body


@pytest.mark.parametrize("action", [*CaseAction.values, "record_visit", "record_consultation"])
def test_every_case_action_message_names_the_school(action, school_a, officer):
    from schoolsystem.improvement.views import _case_success

    case = case_in_state(CaseState.INTERVENTION_CHOSEN, school=school_a, by=officer)
    message = _case_success(action, case)
    assert "Alder Primary" in message and "done" not in message and not message.endswith(".")


def test_step_messages_name_the_school_without_a_closing_full_stop():
    from schoolsystem.improvement.views import REVIEW_STEP_DONE, SUPPORT_STEP_DONE

    for template in [*SUPPORT_STEP_DONE.values(), *REVIEW_STEP_DONE.values()]:
        message = template.format(school="St. Anne's C.E.")
        assert "St. Anne's C.E." in message and ".." not in message


def test_a_task_due_today_is_tagged_due_today_not_like_one_due_in_months():
    """Found in review: decisions to publish today carried the same "Due" tag as reviews due next March."""
    from datetime import timedelta

    from django.template.loader import render_to_string
    from django.utils import timezone

    today = timezone.localdate()
    days = {"late": today - timedelta(days=1), "now": today, "later": today + timedelta(days=90)}
    tasks = [
        selectors.Task(day, "case", label, "improvement:case-detail", 1, day < today, day == today)
        for label, day in days.items()
    ]
    html = render_to_string("improvement/_tasks.html", {"tasks": tasks, "caption": "Due"})
    tags = [
        html.split(f">{label}</a>")[1].split("</strong>")[0].rsplit(">", 1)[1]
        for label in ("late", "now", "later")
    ]
    assert tags == ["Overdue", "Due today", "Due"]


def test_the_warning_notice_date_hint_never_advises_recording_another_date():
    """Found in review: it advised recording a notice older than the limit "with today's date", a wrong legal date
    on the register and in the deadlines."""
    from schoolsystem.improvement.constants import deadline_days, warning_notice_backdate_hint

    hint = warning_notice_backdate_hint()
    assert f"up to {deadline_days('warning_notice_backdate_days')} days ago" in hint
    assert "today's date" not in hint and "An older notice cannot be recorded here." in hint
