"""Two officers move one case at the same moment, on two real database connections (PostgreSQL row locks).

Deterministic: officer A's save holds the case row (select_for_update) and waits; officer B's save starts and is seen
waiting on the row lock in pg_stat_activity; only then A commits. B then reads the new version and is refused
(StaleEdit), so exactly one change lands and the other officer is told, never silently overwritten.
SQLite has no row locks (it locks the whole file), so this runs on PostgreSQL only; the sequential stale-edit
refusal is covered on both databases in test_case_workflow.py."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from schoolsystem.core.errors import StaleEdit
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState
from schoolsystem.improvement.models import Case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

TIMEOUT = 20


def _waiting_on_lock() -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cur.fetchone()[0]


def _run(name, results, fn):
    try:
        results[name] = fn()
    except Exception as exc:  # the test inspects what each officer got
        results[name] = exc
    finally:
        connections.close_all()


def test_concurrent_transitions_exactly_one_wins_the_other_waits_then_is_refused(officer, officer2, school_a):
    case = services.case_open(school=school_a, by=officer, reasons=["KS2 below floor"])
    version = case.version
    a_holds_lock, release_a = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def officer_a():
        with transaction.atomic():
            moved = services.case_start_monitoring(case=case, by=officer, version=version, note="A")
            a_holds_lock.set()
            assert release_a.wait(TIMEOUT)
        return moved

    def officer_b():
        assert a_holds_lock.wait(TIMEOUT)
        return services.case_close(case=case, by=officer2, version=version, note="B: concerns resolved")

    a = threading.Thread(target=_run, args=("a", results, officer_a))
    b = threading.Thread(target=_run, args=("b", results, officer_b))
    a.start()
    b.start()
    deadline = time.monotonic() + TIMEOUT
    while _waiting_on_lock() < 1:
        assert time.monotonic() < deadline, "officer B never waited on the row lock"
        assert "b" not in results, f"officer B did not wait: {results.get('b')!r}"
        time.sleep(0.02)
    release_a.set()
    a.join(TIMEOUT)
    b.join(TIMEOUT)

    assert isinstance(results["a"], Case) and results["a"].state == CaseState.MONITORING
    assert isinstance(results["b"], StaleEdit) and "after you opened it" in results["b"].message
    saved = Case.objects.get(pk=case.pk)
    assert saved.state == CaseState.MONITORING and saved.version == version + 1
    assert list(saved.events.values_list("action", flat=True).order_by("id")) == [
        "opened",
        "start_monitoring",
    ]


def test_simultaneous_saves_from_many_officers_only_one_lands(officer, officer2, school_a, make_user, las):
    case = services.case_open(school=school_a, by=officer, reasons=["KS2 below floor"])
    version = case.version
    officers = [officer, officer2] + [make_user("la_officer", scope_la=las[0]) for _ in range(2)]
    start = threading.Barrier(len(officers))
    results: dict[str, object] = {}

    def save(user):
        def go():
            start.wait(TIMEOUT)
            return services.case_update(
                case=case, by=user, version=version, summary=f"By {user.username}", exit_criteria=["x"]
            )

        return go

    threads = [threading.Thread(target=_run, args=(str(i), results, save(u))) for i, u in enumerate(officers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    winners = [r for r in results.values() if isinstance(r, Case)]
    losers = [r for r in results.values() if isinstance(r, StaleEdit)]
    assert len(winners) == 1 and len(losers) == len(officers) - 1
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == version + 1 and saved.summary == winners[0].summary
