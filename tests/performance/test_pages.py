"""Report card, risk pages and scorecards: real Surrey results, scope, query counts, exports."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from schoolsystem.performance.forms import AtRiskFilterForm
from schoolsystem.performance.imports import KS2Import
from schoolsystem.performance.models import KeyStageResult, Monitoring, RiskResult, SoftIntelligence
from schoolsystem.performance.reportcard import results_notice
from schoolsystem.performance.selectors import open_successor
from schoolsystem.performance.services import risk_screen_run
from schoolsystem.registry.models import Establishment, EstablishmentLink, Group, LocalAuthority, Membership
from schoolsystem.registry.selectors import history_chain

YEARS = ["2016-2017", "2017-2018", "2018-2019"]
WYKE = 145543


def _pdf_is_tagged(content: bytes) -> bool:
    """Whether the PDF has a structure tree (its catalog names /StructTreeRoot), looking inside the compressed
    object streams WeasyPrint writes."""
    import zlib

    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return any(b"/StructTreeRoot" in part for part in parts)


def _school(la, urn, name, **kw):
    defaults = {"type_name": "Academy converter", "type_group": "Academies", "status": "open", "state_funded": True,
                    "phase": "Primary", "capacity": 210, "pupils": 197}  # fmt: skip
    defaults.update(kw)
    return Establishment.objects.create(urn=urn, la=la, name=name, **defaults)


@pytest.fixture
def surrey(db, shared_data):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    for year in YEARS:
        KS2Import().run(shared_data / "performance" / f"{year}_936_ks2final.csv", progress=False)
    # Establishments for every Surrey school in the 2018-19 file (the GIAS import is another helper's work).
    rows = KeyStageResult.objects.filter(year="2018-2019", key_stage="ks2", level="school").values_list(
        "urn", "school_name", "school_type"
    )
    for urn, name, nftype in rows:
        academy = nftype in {"AC", "ACC", "F"}
        _school(
            la,
            urn,
            name,
            type_name="Academy converter" if academy else "Community school",
            type_group="Academies" if academy else "Local authority maintained schools",
        )
    # GIAS links file: Wyke Primary Academy (145543) succeeded Wyke Primary School (124935) on 1 March 2018.
    EstablishmentLink.objects.create(
        urn=WYKE, linked_urn=124935, link_type="Predecessor", established_on=date(2018, 3, 1)
    )
    return la


@pytest.mark.realdata
def test_report_card_of_a_surrey_primary_shows_three_years_of_real_results(client, surrey):
    response = client.get(reverse("performance:report-card", args=[WYKE]))  # public: no sign-in
    assert response.status_code == 200
    html = response.content.decode()
    for year in YEARS:
        assert year in html
    assert "78%" in html  # PTRWM_EXP 2018-19
    assert "<svg" in html and 'role="img"' in html
    assert "No survey results yet" in html
    assert "Similar schools (10)" in html
    # The two earlier years were published under the predecessor school's URN and are carried across.
    assert "predecessor (URN 124935)" in html
    card = response.context["card"]
    assert [v["value"] for v in card["sections"][0]["table"][0]["values"]][-1] == 78.0
    assert card["sections"][0]["comparison"][0]["england"] == pytest.approx(65.0, abs=1.5)
    # Figures appear as the DfE publishes them: whole percentages (also for the similar-schools mean), progress
    # scores to two decimal places.
    comparison = html[html.index("Compared with the local authority") :]
    assert re.findall(r">(-?\d+(?:\.\d+)?)%<", comparison) and not re.findall(r">-?\d+\.\d+%<", comparison)
    progress = card["sections"][0]["comparison"][2]
    assert progress["decimals"] == 2 and f"{progress['school']:.2f}<" in comparison


@pytest.mark.realdata
def test_report_card_csv_and_pdf_download(client, surrey):
    csv_response = client.get(reverse("performance:report-card-csv", args=[WYKE]))
    body = csv_response.content.decode()
    assert '"Meeting the expected standard in reading, writing and maths",2018-2019,78.0' in body
    pdf = client.get(reverse("performance:report-card-pdf", args=[WYKE]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert _pdf_is_tagged(pdf.content)  # for screen readers (found in review: it was not)


@pytest.mark.realdata
def test_the_pdf_prints_each_charts_figures_without_the_show_link(client, surrey):
    """Paper has nothing to open: the PDF printed "Show the chart's figures as a table" above each table."""
    from weasyprint import HTML

    response = client.get(reverse("performance:report-card", args=[WYKE]))
    html = render_to_string(
        "performance/report_card_pdf.html",
        {"school": response.context["school"], "card": response.context["card"]},
        request=response.wsgi_request,
    )
    assert "Show the chart's figures as a table" in html  # in the markup, as on the page
    document = HTML(string=html, base_url="http://testserver/").render()
    printed = " ".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "text", None)  # text boxes: what is drawn on paper
    )
    assert "Meeting the expected standard" in printed and "Academic year" in printed
    assert "Show the chart" not in printed


@pytest.mark.realdata
def test_report_card_and_its_pdf_warn_which_year_the_latest_results_are_for(client, surrey):
    """Results for 2016 to 2019 shown in December 2026 must not read as current: the year comes from the data."""
    response = client.get(reverse("performance:report-card", args=[WYKE]))
    html = text_of(response)
    notice = "The latest results we hold are for 2018 to 2019."
    assert (
        f'<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>{notice}'
        in html
    )
    assert html.index(notice) < html.index("Summary")
    card = response.context["card"]
    pdf_html = render_to_string(
        "performance/report_card_pdf.html",
        {"school": response.context["school"], "card": card},
        request=response.wsgi_request,
    )
    assert notice in pdf_html and "govuk-warning-text" in pdf_html


def test_results_notice_is_computed_from_the_latest_year_shown():
    sections = [{"latest": "2017-2018"}, {"latest": "2018-2019"}]
    assert results_notice(sections, today=date(2026, 12, 5)) == {
        "text": "The latest results we hold are for 2018 to 2019.",
        "stale": True,
    }
    # Results for the academic year just ended are as recent as there can be: a plain notice, not a warning.
    fresh = results_notice([{"latest": "2025-2026"}], today=date(2026, 12, 5))
    assert fresh == {"text": "The latest results we hold are for 2025 to 2026.", "stale": False}
    assert results_notice([{"latest": "2024-2025"}], today=date(2026, 8, 31))["stale"] is False
    assert results_notice([{"latest": "2024-2025"}], today=date(2026, 9, 1))["stale"] is True
    assert results_notice([], today=date(2026, 12, 5)) is None
    # An infant school has no key stage results: its absence figures get the notice (found in review).
    assert results_notice([], today=date(2026, 12, 5), other_years=["2017-2018", "2018-2019"]) == {
        "text": "The latest figures we hold are for 2018 to 2019.",
        "stale": True,
    }
    # Key stage results to 2017-18 and absence to 2018-19: the latest figures, not "results" (found in review).
    notice = results_notice([{"latest": "2017-2018"}], today=date(2026, 12, 5), other_years=["2018-2019"])
    assert notice["text"] == "The latest figures we hold are for 2018 to 2019."
    notice = results_notice([{"latest": "2018-2019"}], today=date(2026, 12, 5), other_years=["2018-2019"])
    assert notice["text"] == "The latest results we hold are for 2018 to 2019."


@pytest.mark.realdata
def test_at_risk_list_is_scoped_filtered_and_exports_csv(
    client, surrey, make_user, django_assert_max_num_queries
):
    count = risk_screen_run(by=None, as_of=date(2019, 9, 1))
    assert count == Establishment.objects.count() == RiskResult.objects.count()
    officer = make_user("la_officer", scope_la=surrey)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("performance:at-risk"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and rows[0].concern in {"high", "medium"}
    academies = client.get(reverse("performance:at-risk"), {"kind": "academy"}).context["rows"]
    assert academies and all(r.establishment.type_group == "Academies" for r in academies)
    csv_body = streamed(client.get(reverse("performance:at-risk"), {"format": "csv"}))
    assert csv_body.startswith("URN,School,LA,Type") and str(rows[0].establishment.urn) in csv_body
    # The list opens on the schools of medium or high concern; "any" adds low; "all" shows every school screened,
    # 50 to a page. (Without an Ofsted file every Surrey school has a minor 'no inspection' flag: mark some as of
    # no concern.)
    RiskResult.objects.filter(pk__in=RiskResult.objects.filter(concern="low").values("pk")[:20]).update(
        concern="none"
    )
    default = client.get(reverse("performance:at-risk"))
    assert default.context["total"] == RiskResult.objects.filter(concern__in=["medium", "high"]).count() > 0
    assert all(r.concern in {"medium", "high"} for r in default.context["rows"])
    any_concern = client.get(reverse("performance:at-risk"), {"concern": "any"}).context["total"]
    assert (
        any_concern == RiskResult.objects.exclude(concern="none").count() == RiskResult.objects.count() - 20
    )
    everyone = client.get(reverse("performance:at-risk"), {"concern": "all"})
    assert everyone.context["total"] == RiskResult.objects.count() and len(everyone.context["rows"]) == 50
    assert everyone.context["pagination"]["next"] and "govuk-pagination" in everyone.content.decode()
    with django_assert_max_num_queries(12):
        last = client.get(reverse("performance:at-risk"), {"concern": "all", "page": 9999})
    assert last.context["page"].number == last.context["page"].paginator.num_pages
    none_csv = streamed(client.get(reverse("performance:at-risk"), {"concern": "none", "format": "csv"}))
    assert none_csv.count("\n") - 1 == RiskResult.objects.filter(concern="none").count()

    other_la = LocalAuthority.objects.create(code="999", name="Elsewhere")
    outsider = make_user("la_officer", scope_la=other_la)
    client.force_login(outsider)
    assert client.get(reverse("performance:at-risk")).context["total"] == 0
    assert "URN" in streamed(client.get(reverse("performance:at-risk"), {"format": "csv"}))
    assert str(WYKE) not in streamed(client.get(reverse("performance:at-risk"), {"format": "csv"}))
    assert client.get(reverse("performance:school-risk", args=[WYKE])).status_code == 404


def streamed(response) -> str:
    """A streamed CSV download's text, without the byte-order mark spreadsheets read it by."""
    return b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")


def test_at_risk_row_of_a_school_with_an_open_case_links_the_case_not_a_second_one(
    client, surrey, make_user, django_assert_max_num_queries
):
    from schoolsystem.improvement.services import case_open

    risk_screen_run(by=None, as_of=date(2019, 9, 1))
    officer = make_user("la_officer", scope_la=surrey)
    client.force_login(officer)
    first = client.get(reverse("performance:at-risk")).context["rows"][0].establishment
    case = case_open(school=first, by=officer, reasons=["Progress well below"])
    with django_assert_max_num_queries(13):  # one more query for the page's open cases, not one per row
        response = client.get(reverse("performance:at-risk"))
    rows = {r.establishment.urn: r for r in response.context["rows"]}
    case_url = reverse("improvement:case-detail", args=[case.pk])
    assert rows[first.urn].open_case == (case_url, "Identified")
    assert sum(1 for r in rows.values() if r.open_case) == 1
    html = response.content.decode()
    assert (
        f'href="{case_url}">Open case<span class="govuk-visually-hidden"> for {first.name}</span>: identified</a>'
        in html
    )
    risk_page = client.get(reverse("performance:school-risk", args=[first.urn])).content.decode()
    assert "Open case: identified" in risk_page and "Open a case" not in risk_page
    # An officer of another LA sees neither the school nor the case.
    client.force_login(
        make_user("la_officer", scope_la=LocalAuthority.objects.create(code="998", name="Far"))
    )
    assert case_url not in client.get(reverse("performance:at-risk"), {"concern": "all"}).content.decode()


@pytest.fixture
def risk_page(client, make_user, db):
    """An LA officer signed in, on the risk page of Test Primary (URN 100001) in their LA: (school, officer, url)."""
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    school = _school(la, 100001, "Test Primary")
    officer = make_user("la_officer", scope_la=la)
    client.force_login(officer)
    return school, officer, reverse("performance:school-risk", args=[100001])


def _record_intelligence(client, url, kind):
    """Post one item of soft intelligence of `kind`, dated today, through the school's risk page."""
    data = {
        "action": "intel",
        "intel-kind": kind,
        "intel-noted_on": date.today().isoformat(),
        "intel-note": "x",
    }
    return client.post(url, data)


def test_officer_records_soft_intelligence_and_monitoring_audited(client, risk_page):
    from schoolsystem.core.models import AuditEvent

    school, officer, url = risk_page
    for kind in ("head_turnover", "complaint", "missed_network_meeting"):
        assert _record_intelligence(client, url, kind).status_code == 302
    assert SoftIntelligence.objects.filter(establishment=school).count() == 3
    result = RiskResult.objects.get(establishment=school)
    soft = next(f for f in result.flags if f["metric"] == "soft_intelligence")
    assert soft["flag"] == "major"
    # The count and the kinds agree: three items, of three kinds.
    assert soft["reason"] == (
        "3 items of soft intelligence: complaint, headteacher turnover, missed network meetings"
    )
    client.post(url, {"action": "monitor", "monitor-reason": "Head left suddenly"})
    assert Monitoring.objects.get(establishment=school).ended_on is None
    again = client.post(url, {"action": "monitor", "monitor-reason": "again"})
    assert "already being monitored" in again.content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"risk.soft_intelligence_recorded", "risk.monitoring_started", "risk.screen_run"} <= actions


@pytest.mark.django_db
def test_soft_intelligence_reason_adds_up_to_its_count(client, make_user):
    """Three items of two kinds: the reason says how many of the kind recorded twice, so the list and the
    count agree ("3 items of soft intelligence: complaint (2), missed network meetings")."""
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    school = _school(la, 100001, "Test Primary")
    client.force_login(make_user("la_officer", scope_la=la))
    url = reverse("performance:school-risk", args=[100001])
    for kind in ("complaint", "complaint", "missed_network_meeting"):
        assert _record_intelligence(client, url, kind).status_code == 302
    result = RiskResult.objects.get(establishment=school)
    soft = next(f for f in result.flags if f["metric"] == "soft_intelligence")
    assert soft["reason"] == "3 items of soft intelligence: complaint (2), missed network meetings"
    assert "complaint (2), missed network meetings" in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_empty_intelligence_form_records_nothing_and_names_what_is_missing(client, make_user):
    """Found in review: the kind list had no blank choice and the note was optional, so submitting the empty form
    recorded "Headteacher turnover" against the school and raised its risk flag."""
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    _school(la, 100001, "Test Primary")
    client.force_login(make_user("la_officer", scope_la=la))
    url = reverse("performance:school-risk", args=[100001])
    page = client.get(url).content.decode()
    assert '<option value="" selected>Choose the kind of intelligence</option>' in page
    response = client.post(url, {"action": "intel", "intel-noted_on": date.today().isoformat()})
    html = response.content.decode()
    assert response.status_code == 400 and SoftIntelligence.objects.count() == 0
    assert "Select what kind of intelligence it is" in html
    assert "Enter a note saying what happened and how you know it" in html
    assert not RiskResult.objects.exists()


@pytest.mark.django_db
def test_school_leader_cannot_record_intelligence(client, make_user):
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    school = _school(la, 100001, "Test Primary")
    head = make_user("school_leader", scope_establishment=school)
    client.force_login(head)
    url = reverse("performance:school-risk", args=[100001])
    page = client.get(url)
    # Officers open cases: a head is not offered a link that would refuse them.
    assert page.status_code == 200 and page.context["case_url"] is None
    assert "Open a case" not in page.content.decode()
    response = client.post(
        url, {"action": "intel", "intel-kind": "complaint", "intel-noted_on": "2019-01-01"}
    )
    assert response.status_code == 403 and SoftIntelligence.objects.count() == 0
    public = make_user("public")
    client.force_login(public)
    assert client.get(reverse("performance:at-risk")).status_code == 403


@pytest.mark.realdata
def test_trust_scorecard_counts_schools_after_three_full_years(
    client, surrey, make_user, django_assert_max_num_queries
):
    trust = Group.objects.create(name="Test Trust", group_type="mat")
    urns = list(
        KeyStageResult.objects.filter(year="2018-2019", level="school")
        .exclude(reading_progress=None)
        .values_list("urn", flat=True)[:4]
    )
    joins = [date(2014, 9, 1), date(2015, 9, 1), date(2017, 9, 1), date(2018, 1, 1)]
    for urn, joined in zip(urns, joins, strict=True):
        Membership.objects.create(
            establishment=Establishment.objects.get(urn=urn), group=trust, joined_on=joined
        )
    client.force_login(make_user("trust_leader", scope_group=trust))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("performance:scorecard", args=[trust.pk]))
    assert response.status_code == 200
    ks2 = response.context["card"]["sections"][0]
    by_year = {r["year"]: r for r in ks2["mat"]}
    # 2018-19: joined 2014 and 2015 have 3+ full years; 2017 and Jan 2018 do not.
    assert by_year["2018-2019"]["schools"] == 2
    assert {r["year"]: r["schools"] for r in ks2["all"]}["2018-2019"] == 4
    csv_body = client.get(reverse("performance:scorecard-csv", args=[trust.pk])).content.decode()
    assert "MAT measure (3+ years),2018-2019,KS2 reading progress" in csv_body


@pytest.mark.realdata
def test_scorecard_of_a_trust_whose_schools_joined_after_every_result_says_so(client, surrey, make_user):
    trust = Group.objects.create(name="New Trust", group_type="mat")
    school = Establishment.objects.filter(
        urn__in=KeyStageResult.objects.filter(level="school", key_stage="ks2").values("urn")
    ).first()
    Membership.objects.create(establishment=school, group=trust, joined_on=date(2023, 9, 1))
    client.force_login(make_user("trust_leader", scope_group=trust))
    response = client.get(reverse("performance:scorecard", args=[trust.pk]))
    assert response.status_code == 200 and response.context["card"]["sections"] == []
    assert "1 school, of which 1 joined after 2018-2019, the latest results held" in response.content.decode()
    assert client.get(reverse("performance:scorecard-csv", args=[trust.pk])).status_code == 200


@pytest.mark.django_db
def test_report_card_of_an_infant_school_says_why_it_has_no_test_results(client):
    la = LocalAuthority.objects.create(code="999", name="Testshire")
    _school(la, 700001, "Little Oaks Infant School", statutory_low_age=4, statutory_high_age=7)
    _school(la, 700002, "Big Oaks Primary School", statutory_low_age=4, statutory_high_age=11)
    infant = client.get(reverse("performance:report-card", args=[700001])).content.decode()
    assert "Pupils leave this school by age 7, before the key stage 2 tests" in infant
    assert infant.count("no test results to show") == 1  # said once, in the summary
    primary = client.get(reverse("performance:report-card", args=[700002])).content.decode()
    assert (
        "No published test or exam results are available" in primary
        and "before the key stage 2" not in primary
    )


def test_la_scorecard_is_linked_from_the_overview_and_weights_every_school(client, surrey, make_user):
    officer = make_user("la_officer", scope_la=surrey)
    client.force_login(officer)
    url = reverse("performance:la-scorecard", args=[surrey.code])
    assert url in client.get(reverse("registry:overview")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Every school in the local authority with published results counts" in html
    assert "three full academic years" not in html
    # The trust rules' tables and columns (counted after three years, joined, taken on while weak) are not the LA's.
    assert "Counted schools" not in html and "Full years" not in html and "taken on while weak" not in html
    assert "All schools in the local authority each year" in html
    ks2 = next(s for s in response.context["card"]["sections"] if s["key_stage"] == "ks2")
    first = ks2["schools"][0]
    assert f'<td class="govuk-table__cell">{first["urn"]}</td>' in html  # same-named schools told apart
    latest = ks2["all"][-1]
    assert latest["year"] == "2018-2019" and latest["schools"] > 100
    assert f"{latest['pupils']:,}" in html  # thousands separated
    assert client.get(reverse("performance:la-scorecard", args=["000"])).status_code == 404


@pytest.mark.django_db
def test_empty_at_risk_list_says_whether_the_screen_ran(client, make_user):
    la = LocalAuthority.objects.create(code="997", name="Quietshire")
    school = _school(la, 700010, "Calm Primary School", ofsted_rating="Good")
    officer = make_user("la_officer", scope_la=la)
    client.force_login(officer)
    before = text_of(client.get(reverse("performance:at-risk")))
    assert "Nothing has been screened yet for every school in Quietshire" in before
    assert "schoolsystem risk run" in before
    risk_screen_run(by=None, establishments=[school])
    RiskResult.objects.filter(establishment=school).update(concern="none")
    after = text_of(client.get(reverse("performance:at-risk")))
    assert (
        "The screen covers every school in Quietshire: 1 school screened, none of medium or high concern"
        in after
    )
    assert "screened yet" not in after
    # The way out names the Concern options by their own labels.
    assert "Choose “Low, medium or high” or “All schools screened” under Concern to see it." in after
    labels = [f">{label}</option>" for _, label in AtRiskFilterForm().fields["concern"].choices]
    assert ">Low, medium or high</option>" in labels and all(label in after for label in labels)
    assert "Any concern" not in after
    narrowed = text_of(client.get(reverse("performance:at-risk"), {"concern": "high"}))
    assert (
        "No school matches these filters. The screen covers every school in Quietshire: 1 school screened."
        in narrowed
    )


@pytest.mark.django_db
def test_risk_screen_tells_a_school_leader_it_covers_their_school_not_an_area(client, make_user):
    la = LocalAuthority.objects.create(code="996", name="Stillshire")
    school = _school(la, 700011, "Still Water Primary", ofsted_rating="Good")
    _school(la, 700012, "Other Primary", ofsted_rating="Good")
    client.force_login(make_user("school_leader", scope_establishment=school))
    risk_screen_run(by=None)
    RiskResult.objects.update(concern="none")
    html = text_of(client.get(reverse("performance:at-risk")))
    assert "The risk screen for your school, Still Water Primary:" in html
    assert "The screen covers your school, Still Water Primary: 1 school screened" in html
    assert "every school" not in html and "your area" not in html and "Other Primary" not in html


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_closed_schools_report_card_says_so_and_links_the_school_it_became(
    client, db, django_assert_num_queries
):
    """Found in review: a parent following an old link could not tell the school had closed."""
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    old = _school(la, 124935, "Wyke Primary School", type_name="Community school", status="closed",
                  closed_on=date(2018, 2, 28), close_reason="Academy converter")  # fmt: skip
    new = _school(la, WYKE, "Wyke Primary Academy")
    EstablishmentLink.objects.create(urn=WYKE, linked_urn=old.urn, link_type="Predecessor")
    html = client.get(reverse("performance:report-card", args=[old.urn])).content.decode()
    notice = re.search(r'<div class="govuk-warning-text" id="closed-school">(.*?)</div>', html, re.S).group(1)
    assert "it closed on 28 February 2018 (Academy converter)" in notice
    assert (
        f'href="{reverse("performance:report-card", args=[new.urn])}">Wyke Primary Academy (URN {WYKE})'
        in notice
    )
    assert (
        'id="closed-school"'
        not in client.get(reverse("performance:report-card", args=[WYKE])).content.decode()
    )
    # Only the later URNs are followed to find it, not the school's predecessors as well.
    EstablishmentLink.objects.create(urn=old.urn, linked_urn=100001, link_type="Predecessor")
    assert [s.urn for s in history_chain(old)] == [100001, WYKE]
    assert [s.urn for s in history_chain(old, relations=("successor",))] == [WYKE]
    # A generation of links, the next (none), the names, the open successor.
    with django_assert_num_queries(4):
        assert open_successor(old) == new


def test_officer_withdraws_intelligence_recorded_in_error_and_the_school_is_rescreened(client, risk_page):
    """Found in review: an item recorded by mistake could not be taken back, and kept raising the school's flag."""
    from schoolsystem.core.models import AuditEvent

    school, officer, url = risk_page
    for kind in ("complaint", "head_turnover"):
        assert _record_intelligence(client, url, kind).status_code == 302
    wrong = SoftIntelligence.objects.get(kind="head_turnover")

    def soft_reason():
        flags = RiskResult.objects.get(establishment=school).flags
        return next(f for f in flags if f["metric"] == "soft_intelligence")["reason"]

    assert soft_reason().startswith("2 items")
    empty = client.post(
        url, {"action": "withdraw-intel", "item": wrong.pk, f"withdraw-{wrong.pk}-reason": ""}
    )
    assert (
        empty.status_code == 400
        and "Enter why you are withdrawing this intelligence" in empty.content.decode()
    )
    assert '<details class="govuk-details govuk-!-margin-bottom-0" open>' in empty.content.decode()
    done = client.post(
        url, {"action": "withdraw-intel", "item": wrong.pk, f"withdraw-{wrong.pk}-reason": "Wrong school"}
    )
    assert done.status_code == 302
    wrong.refresh_from_db()
    assert (wrong.withdrawn_on, wrong.withdrawn_by, wrong.withdrawn_reason) == (
        date.today(),
        officer,
        "Wrong school",
    )
    assert soft_reason().startswith("1 item") and "headteacher" not in soft_reason()
    page = client.get(url).content.decode()
    assert "Withdrawn on" in page and "Wrong school" in page  # kept on the record, marked
    assert AuditEvent.objects.filter(action="risk.soft_intelligence_withdrawn", actor=officer).exists()
    again = client.post(
        url, {"action": "withdraw-intel", "item": wrong.pk, f"withdraw-{wrong.pk}-reason": "Again"}
    )
    assert again.status_code == 400 and "already been withdrawn" in again.content.decode()


@pytest.mark.django_db
def test_intelligence_cannot_be_withdrawn_from_out_of_scope_or_by_a_school_leader(client, make_user):
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    other_la = LocalAuthority.objects.create(code="202", name="Camden")
    school = _school(la, 100001, "Test Primary")
    _school(other_la, 100002, "Camden Primary")
    item = SoftIntelligence.objects.create(
        establishment=school, kind="complaint", noted_on=date.today(), note="x"
    )
    post = {"action": "withdraw-intel", "item": item.pk, f"withdraw-{item.pk}-reason": "No"}
    client.force_login(make_user("la_officer", scope_la=other_la))
    assert client.post(reverse("performance:school-risk", args=[100001]), post).status_code == 404
    # Through a school in the officer's own area, an item of another school's is not found either.
    assert client.post(reverse("performance:school-risk", args=[100002]), post).status_code == 404
    client.force_login(make_user("school_leader", scope_establishment=school))
    assert client.post(reverse("performance:school-risk", args=[100001]), post).status_code == 403
    item.refresh_from_db()
    assert item.withdrawn_on is None
    # An id that is not one (text, or beyond any database integer) is not found, not a server error.
    client.force_login(make_user("la_officer", scope_la=la))
    for bad in ("abc", "", "99999999999999999999", "-1"):
        assert (
            client.post(reverse("performance:school-risk", args=[100001]), {**post, "item": bad}).status_code
            == 404
        )
