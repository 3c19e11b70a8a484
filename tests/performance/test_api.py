"""Performance API: indicators, report cards, scorecards, scoped risk results."""

import pytest

from schoolsystem.performance.models import KeyStageResult
from schoolsystem.performance.services import risk_screen_run
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership


@pytest.fixture
def two_las(db):
    a = LocalAuthority.objects.create(code="111", name="Alpha")
    b = LocalAuthority.objects.create(code="222", name="Beta")
    common = {"type_name": "Community school", "type_group": "Local authority maintained schools", "status": "open",
              "state_funded": True, "phase": "Primary", "capacity": 200, "pupils": 190, "ofsted_rating": "Requires improvement"}  # fmt: skip
    sa = Establishment.objects.create(urn=100001, la=a, name="Alpha Primary", **common)
    sb = Establishment.objects.create(urn=200001, la=b, name="Beta Primary", **common)
    from schoolsystem.core.models import ImportRecord

    rec = ImportRecord.objects.create(kind="ks2", file_name="x.csv", sha256="0" * 64)
    for urn in (100001, 200001):
        KeyStageResult.objects.create(key_stage="ks2", year="2018-2019", level="school", urn=urn, la_code="111",
                                      rwm_expected=50.0, reading_progress=-4.0, writing_progress=0.0, maths_progress=0.0,
                                      eligible_pupils=30, import_record=rec, source_row=2)  # fmt: skip
    risk_screen_run(by=None)
    return a, b, sa, sb


def test_risk_results_api_is_scoped_to_the_officers_la(client, two_las, make_user):
    a, b, sa, sb = two_las
    client.force_login(make_user("la_officer", scope_la=a))
    body = client.get("/api/v1/performance/risk-results/").json()
    assert [r["urn"] for r in body["results"]] == [100001]
    assert body["results"][0]["concern"] == "high"
    client.force_login(make_user("public"))
    assert client.get("/api/v1/performance/risk-results/").status_code == 403


def test_indicators_and_report_card_api(client, two_las, make_user):
    client.force_login(make_user("public"))
    body = client.get("/api/v1/performance/indicators/", {"urn": 100001}).json()
    assert body["count"] == 1 and body["results"][0]["reading_progress"] == -4.0
    card = client.get("/api/v1/performance/report-cards/100001/").json()
    assert card["sections"][0]["table"][0]["values"][0]["value"] == 50.0
    assert client.get("/api/v1/performance/report-cards/999999/").status_code == 404


def test_scorecard_api(client, two_las, make_user):
    a, b, sa, sb = two_las
    trust = Group.objects.create(name="T", group_type="mat")
    Membership.objects.create(establishment=sa, group=trust)
    client.force_login(make_user("trust_leader", scope_group=trust))
    card = client.get(f"/api/v1/performance/scorecards/{trust.pk}/").json()
    assert card["members"] == 1 and card["sections"][0]["all"][0]["schools"] == 1


@pytest.mark.parametrize(
    "params, field",
    [({"urn": "abc"}, "urn"), ({"year": "2019"}, "year"), ({"key_stage": "ks9"}, "key_stage"),
     ({"level": "planet"}, "level"), ({"la_code": "Surrey"}, "la_code")],
)  # fmt: skip
def test_indicator_filters_refuse_bad_values_naming_them(client, two_las, make_user, params, field):
    """Found in review: urn=abc was a 500 (an HTML page); year=abc and key_stage=ks9 silently listed nothing."""
    client.force_login(make_user("public"))
    response = client.get("/api/v1/performance/indicators/", params)
    assert response.status_code == 400 and response.headers["Content-Type"].startswith("application/json")
    assert field in response.json()
    ok = client.get(
        "/api/v1/performance/indicators/", {"key_stage": "ks2", "year": "2018-2019", "la_code": "111"}
    )
    assert ok.json()["count"] == 2


def test_risk_results_refuse_an_unknown_concern_and_carry_their_id(client, two_las, make_user):
    a, b, sa, sb = two_las
    client.force_login(make_user("la_officer", scope_la=a))
    response = client.get("/api/v1/performance/risk-results/", {"concern": "bogus"})
    assert response.status_code == 400 and "concern" in response.json()
    [row] = client.get("/api/v1/performance/risk-results/", {"concern": "elevated"}).json()["results"]
    assert client.get(f"/api/v1/performance/risk-results/{row['id']}/").json()["urn"] == 100001


def test_the_at_risk_phase_filter_not_applicable_finds_special_schools_with_a_blank_phase(
    client, two_las, make_user
):
    """GIAS's 'Not applicable' is stored blank by the importer: the filter found nothing (found in review)."""
    from django.urls import reverse

    a, b, sa, sb = two_las
    Establishment.objects.filter(pk=sa.pk).update(phase="", type_name="Community special school")
    client.force_login(make_user("la_officer", scope_la=a))
    page = client.get(reverse("performance:at-risk"), {"concern": "all", "phase": "Not applicable"})
    assert [r.establishment.urn for r in page.context["page"].object_list] == [100001]
    page = client.get(reverse("performance:at-risk"), {"concern": "all", "phase": "Primary"})
    assert list(page.context["page"].object_list) == []


def test_the_risk_pages_say_how_the_concern_level_is_set(client, two_las, make_user):
    from django.urls import reverse

    a, b, sa, sb = two_las
    client.force_login(make_user("la_officer", scope_la=a))
    rule = "High: 2 or more major flags, or a major flag on Latest Ofsted outcome or Floor standard"
    for url in (reverse("performance:at-risk"), reverse("performance:school-risk", args=[sa.urn])):
        page = client.get(url).content.decode()
        assert "How the concern level is set" in page and rule in page, url


def test_the_report_card_csv_holds_the_context_and_inspections_the_page_shows(client, two_las):
    """Found in review: the CSV had only the key stage rows (an infant school's was a header row)."""
    import csv
    import io

    from django.urls import reverse

    a, b, sa, sb = two_las
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("performance:report-card-csv", args=[sa.urn])).content.decode())
        )
    )
    assert rows[0] == ["URN", "School", "Section", "Measure", "Year", "Value", "Missing reason"]
    by_measure = {r[3]: r for r in rows[1:]}
    assert by_measure["Pupils on roll"][2:] == [
        "Context (Get Information About Schools)",
        "Pupils on roll",
        "",
        "190",
        "",
    ]
    assert by_measure["Capacity"][5] == "200"
    assert [r[5] for r in rows if r[2] == "Ofsted inspections"] == ["Requires improvement"]
    assert any(r[2] == "Key stage 2" for r in rows)


def test_the_default_rule_set_is_stored_under_its_own_version(two_las):
    """Found in review: the page said 'Default risk screen v1' while the rules' notes describe version 2."""
    from schoolsystem.engines.risk import DEFAULT_RULES
    from schoolsystem.performance.models import RuleSet
    from schoolsystem.performance.services import rule_set_create

    active = RuleSet.objects.get(is_active=True)
    assert active.version == DEFAULT_RULES["version"] == 2
    again = rule_set_create(name="Tweaked", thresholds=DEFAULT_RULES, by=None)
    assert again.version == 3  # numbered on from the last stored


def test_the_risk_results_api_does_not_query_per_row(client, two_las, make_user):
    """Each row names its rule set's version: that was one query per row (found by an N+1 crawl of the demo)."""
    from schoolsystem.performance.models import RiskResult

    a, b, sa, sb = two_las
    client.force_login(make_user("la_officer", scope_la=a))
    template = RiskResult.objects.get(establishment=sa)

    def queries_for_page() -> tuple[int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/performance/risk-results/", {"page_size": 50}).json()
        return len(ctx.captured_queries), body["count"]

    one, rows = queries_for_page()
    assert rows == 1
    for k in range(20):
        school = Establishment.objects.create(urn=100100 + k, la=a, name=f"Alpha School {k}", status="open")
        template.pk, template.establishment = None, school
        template.save()
    many, rows = queries_for_page()
    assert rows == 21 and many == one


def test_activating_a_rule_set_audits_the_one_it_replaces(db):
    from schoolsystem.core.audit import history_for
    from schoolsystem.engines.risk import DEFAULT_RULES
    from schoolsystem.performance.services import rule_set_create

    old = rule_set_create(name="v1", thresholds=DEFAULT_RULES, activate=True, by=None)
    rule_set_create(name="v2", thresholds=DEFAULT_RULES, activate=True, by=None)
    old.refresh_from_db()
    assert old.is_active is False
    assert history_for(old).get(action="risk.rule_set_deactivated").changes == {"active": [True, False]}
