"""The risk screen's input reads the predecessor links once for results and inspections together (one query per
generation of the chains, as the report card does), and its queries do not grow with the number of schools."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolsystem.core.models import ImportRecord
from schoolsystem.performance.models import KeyStageResult
from schoolsystem.performance.selectors import owners, predecessors, risk_input
from schoolsystem.registry.models import Establishment, EstablishmentLink, LocalAuthority


def _schools(la, n, start):
    record = ImportRecord.objects.create(kind="ks2", file_name=f"{start}.csv", sha256=f"{start:064d}")
    out = []
    for i in range(n):
        urn = start + i
        out.append(
            Establishment.objects.create(urn=urn, la=la, name=f"School {urn}", status="open", phase="Primary")
        )
        # Each is an academy whose predecessor published the results.
        EstablishmentLink.objects.create(
            urn=urn, linked_urn=urn + 50_000, link_type="Predecessor", established_on=date(2018, 3, 1)
        )
        KeyStageResult.objects.create(
            urn=urn + 50_000,
            key_stage="ks2",
            year="2017-2018",
            level="school",
            rwm_expected=55,
            import_record=record,
            source_row=i + 2,
        )
    return Establishment.objects.filter(urn__gte=start, urn__lt=start + n)


def _link_queries(captured) -> int:
    return sum(EstablishmentLink._meta.db_table in q["sql"] for q in captured)


@pytest.mark.django_db
def test_risk_input_reads_predecessor_links_once_and_a_fixed_number_of_queries():
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    two, six = _schools(la, 2, 100_000), _schools(la, 6, 200_000)
    with CaptureQueriesContext(connection) as one_lookup:
        predecessors(two.values_list("urn", flat=True))
    with CaptureQueriesContext(connection) as small:
        frame = risk_input(two, as_of=date(2019, 9, 1))
    with CaptureQueriesContext(connection) as large:
        risk_input(six, as_of=date(2019, 9, 1))
    # One lookup: a query per step of the chains (here the predecessor, then none beyond it).
    assert _link_queries(small.captured_queries) == _link_queries(one_lookup.captured_queries) == 2
    assert len(large.captured_queries) == len(small.captured_queries)
    # The predecessor's results are still the academy's.
    assert set(frame["rwm_0"]) == {55.0}


@pytest.mark.django_db
def test_predecessors_follow_both_sides_every_branch_and_each_schools_own_chain(monkeypatch):
    """Found in review (England's links file): a merger kept only its last branch; a predecessor of two schools in
    one call went to one of them; links recorded only as "Successor" on the older school's side were not read; and
    chains stopped after three steps."""
    link = EstablishmentLink.objects.create
    # A merger: 300 came from 301 and 302 (both recorded on 300's side).
    link(urn=300, linked_urn=301, link_type="Predecessor - merged")
    link(urn=300, linked_urn=302, link_type="Predecessor - merged")
    # A split: 401 became 400 and 410.
    link(urn=400, linked_urn=401, link_type="Predecessor - Split School")
    link(urn=410, linked_urn=401, link_type="Predecessor - Split School")
    # Recorded only on the older school's side: "501 Successor 500" makes 501 a predecessor of 500.
    link(urn=501, linked_urn=500, link_type="Successor")
    # A chain five steps long: 600 <- 601 <- ... <- 605.
    for k in range(5):
        link(urn=600 + k, linked_urn=601 + k, link_type="Predecessor")
    found = predecessors([300, 400, 410, 500, 600])
    assert found == {
        300: [301, 302],
        400: [401],
        410: [401],
        500: [501],
        600: [601, 602, 603, 604, 605],
    }
    # One query per generation, whatever the number of schools: five steps, then none.
    with CaptureQueriesContext(connection) as queries:
        predecessors([300, 400, 410, 500, 600])
    assert _link_queries(queries.captured_queries) == 6
    # In batches of URNs (each sent twice, once per side of the links), the same answer.
    monkeypatch.setattr("schoolsystem.performance.selectors.CHUNK", 2)
    assert predecessors([300, 400, 410, 500, 600]) == found


@pytest.mark.django_db
def test_a_split_schools_results_belong_to_both_schools_it_became():
    """Found in review: `owners` gave a predecessor to one successor only, so on the risk screen and scorecards
    the second school of a split had none of the results its own report card showed."""
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    record = ImportRecord.objects.create(kind="ks2", file_name="s.csv", sha256="1" * 64)
    for urn in (400, 410):
        Establishment.objects.create(urn=urn, la=la, name=f"School {urn}", status="open", phase="Primary")
        EstablishmentLink.objects.create(urn=urn, linked_urn=401, link_type="Predecessor - Split School")
    KeyStageResult.objects.create(
        urn=401, key_stage="ks2", year="2017-2018", level="school", rwm_expected=61, import_record=record,
        source_row=2,
    )  # fmt: skip
    frame = risk_input(Establishment.objects.filter(urn__in=[400, 410]), as_of=date(2019, 9, 1))
    assert frame.set_index("urn")["rwm_0"].to_dict() == {400: 61.0, 410: 61.0}
    owner, _ = owners([400, 410, 401])
    assert owner[401] == (401,)  # a URN asked for is its own
