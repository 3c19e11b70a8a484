import pytest

from schoolsystem.core.audit import audit, diff, history_for, snapshot
from schoolsystem.registry.models import LocalAuthority


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


@pytest.mark.django_db
def test_audit_records_old_and_new_values_and_who(make_user):
    officer = make_user("public")
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    before = snapshot(la)
    la.name = "Surrey County"
    la.save(update_fields=["name"])
    audit(obj=la, action="la.renamed", actor=officer, before=before)
    event = history_for(la).get()
    assert event.changes["name"] == ["Surrey", "Surrey County"]
    assert event.who == officer.username
