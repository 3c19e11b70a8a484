"""Decisions recorded before the register named the deciding role or body carry the recording officer's name in
"decided by" (User.public_name then). Migration 0004 rewrites each one to the body its recording user decides for
(else a neutral body), in the register's search text too, and audits the change; a body's name is left alone."""

import importlib
from datetime import date

from django.apps import apps as django_apps
from django.test import Client

from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement import services
from schoolsystem.improvement.models import Decision

migration = importlib.import_module("schoolsystem.improvement.migrations.0004_decided_by_names_a_body")


def _old_decision(by, school, decided_by, subject="Federation of Alder Primary"):
    """A published decision as it was stored before: 'decided by' a person (written past today's check)."""
    decision = services.decision_create(
        by=by,
        subject=subject,
        decision_type="intervention",
        establishment=school,
        decided_by_name="Placeholder body",
        decided_on=date(2026, 10, 1),
        options_considered=["LA support", "Federation"],
        criteria=["Standards over time"],
        rationale="The governing body agreed.",
    )
    services.decision_publish(by=by, decision=decision)
    decision.refresh_from_db()
    Decision.objects.filter(pk=decision.pk).update(
        decided_by_name=decided_by,
        public_text=decision.public_text.replace("Placeholder body", decided_by),
        created_by=by,
    )
    return Decision.objects.get(pk=decision.pk)


def test_a_persons_name_is_rewritten_to_the_body_of_the_recording_user(school_a, officer, regional):
    by_officer = _old_decision(officer, school_a, "Ann Officer")
    by_regional = _old_decision(regional, school_a, "  rhea   REGIONAL ", subject="Academy order for Alder")
    by_system = _old_decision(officer, school_a, officer.username, subject="Sponsor match")
    Decision.objects.filter(pk=by_system.pk).update(created_by=None)
    a_body = _old_decision(officer, school_a, "Regional advisory board", subject="Brokerage")
    client = Client()
    assert "Ann Officer" in client.get(f"/decisions/{by_officer.pk}/").content.decode()  # the finding

    migration.forwards(django_apps, None)

    expected = {
        by_officer.pk: "Northshire local authority",
        by_regional.pk: "Regional Director, North West",
        by_system.pk: "Department for Education",
        a_body.pk: "Regional advisory board",
    }
    for pk, body in expected.items():
        decision = Decision.objects.get(pk=pk)
        assert decision.decided_by_name == body
        assert body in decision.public_text.split("\n")
    for name in ("Ann Officer", "rhea", officer.username):
        assert not Decision.objects.filter(public_text__icontains=name).exists()
        assert not Decision.objects.filter(decided_by_name__icontains=name).exists()
    # Signed out, the register, its CSV, the API and the decision page no longer name the person; nor does search.
    for url in ["/decisions/", "/decisions/export.csv", "/api/v1/decisions/", f"/decisions/{by_officer.pk}/"]:
        response = client.get(url)
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
            "utf-8-sig"
        )
        assert "Ann Officer" not in body and "Rhea Regional" not in body, url
    assert "Northshire local authority" in client.get(f"/decisions/{by_officer.pk}/").content.decode()
    assert by_officer.reference not in client.get("/decisions/", {"q": "Ann Officer"}).content.decode()
    assert (
        by_officer.reference
        in client.get("/decisions/", {"q": "Northshire local authority"}).content.decode()
    )
    # Each change is audited, with the name kept there only; a body's name is not touched.
    events = AuditEvent.objects.filter(action=migration.ACTION)
    assert {e.object_id for e in events} == {str(by_officer.pk), str(by_regional.pk), str(by_system.pk)}
    assert events.get(object_id=str(by_officer.pk)).changes == {
        "decided_by_name": ["Ann Officer", "Northshire local authority"]
    }
    # Run again, nothing changes.
    migration.forwards(django_apps, None)
    assert AuditEvent.objects.filter(action=migration.ACTION).count() == 3
