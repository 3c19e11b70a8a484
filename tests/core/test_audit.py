import pytest

from schoolsystem.core.audit import audit, diff, history_for, snapshot
from schoolsystem.core.models import AuditEvent
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


@pytest.mark.parametrize(
    "action,label,who",
    [
        ("establishment.created", "import:gias", "GIAS import"),
        ("membership.ended", "import:gias_links", "GIAS links import"),
        ("system_leader.updated", "import:partnerships", "partnerships import"),
        ("risk", "", "system"),
    ],
)
def test_audit_event_says_who_and_what_in_words(action, label, who):
    event = AuditEvent(action=action, actor_label=label)
    assert event.who_label == who
    words = {"establishment.created": "Establishment created", "membership.ended": "Membership ended",
             "system_leader.updated": "System leader updated", "risk": "Risk"}  # fmt: skip
    assert event.action_label == words[action]


@pytest.mark.django_db
def test_audit_event_names_the_user_by_full_name(make_user):
    la = LocalAuthority.objects.create(code="936", name="Surrey")
    officer = make_user("la_officer", scope_la=la, first_name="Ada", last_name="Lovelace")
    audit(obj=la, action="la.renamed", actor=officer)
    assert history_for(la).get().who_label == "Ada Lovelace"
