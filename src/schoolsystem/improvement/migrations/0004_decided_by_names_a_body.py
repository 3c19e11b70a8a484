"""Decisions recorded before the register named the deciding role or body (User.public_body) carry the recording
officer's name in "decided by" (it was User.public_name: the full name, else the role). The register prints the
stored text, so each decision whose "decided by" is a user's full name or username is rewritten here to the body
its recording user decides for (their role and scope, as User.public_body says it, frozen below), or, with no
recording user, to "Department for Education" (what public_body says for the service's administrators). The
published search text is rewritten the same way (the name was searchable), and each change is audited; the
person's name stays in the audit only, as for new decisions."""

from django.db import migrations
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Trim

NEUTRAL_BODY = "Department for Education"
ACTION = "decision.decided_by_rewritten"
ACTOR_LABEL = "migration:improvement.0004"

# accounts.constants.ROLE_SCOPE and PUBLIC_BODIES, as they were when this migration was written.
ROLE_SCOPE = {
    "la_officer": "la",
    "regional_officer": "region",
    "trust_leader": "group",
    "school_leader": "establishment",
}
PUBLIC_BODIES = {
    "la_officer": "Local authority",
    "regional_officer": "Regional Director",
    "advisory_group": "Advisory board",
    "decision_maker": "Secretary of State for Education",
    "assessor": "Accreditation assessor",
}


def public_body(user) -> str:
    """What User.public_body says for `user` (a historical model instance, or None: no recording user)."""
    if user is None or user.is_superuser:
        return NEUTRAL_BODY
    needed = ROLE_SCOPE.get(user.role)
    if needed == "la" and user.scope_la_id:
        return f"{user.scope_la.name} local authority"
    if needed == "region" and user.scope_region:
        return f"Regional Director, {user.scope_region}"
    if needed == "group" and user.scope_group_id:
        return f"Board of {user.scope_group.name}"
    if needed == "establishment" and user.scope_establishment_id:
        return f"Governing board of {user.scope_establishment.name}"
    return PUBLIC_BODIES.get(user.role, NEUTRAL_BODY)


def _normal(text: str) -> str:
    return " ".join((text or "").split()).lower()


def person_names(User) -> set[str]:
    """Every user's full name and username, normalised (spaces collapsed, lower case): what 'a person's name' is
    for the register (services.decisions._names_a_user)."""
    names = set()
    for full, username in User.objects.annotate(
        full=Lower(Trim(Concat("first_name", Value(" "), "last_name")))
    ).values_list("full", "username"):
        names.update(n for n in (_normal(full), _normal(username)) if n)
    return names


def forwards(apps, schema_editor):
    Decision = apps.get_model("improvement", "Decision")
    User = apps.get_model("accounts", "User")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    names = person_names(User)
    if not names:
        return
    decision_type = None
    rows = Decision.objects.select_related(
        "created_by", "created_by__scope_la", "created_by__scope_group", "created_by__scope_establishment"
    ).exclude(Q(decided_by_name="") | Q(decided_by_name__isnull=True))
    for decision in rows.iterator():
        old = decision.decided_by_name
        if _normal(old) not in names:
            continue
        body = public_body(decision.created_by)
        decision.decided_by_name = body
        fields = ["decided_by_name"]
        if decision.public_text:
            lines = [body if _normal(line) == _normal(old) else line for line in decision.public_text.split("\n")]
            decision.public_text = "\n".join(lines)
            fields.append("public_text")
        decision.save(update_fields=fields)
        if decision_type is None:
            decision_type, _ = ContentType.objects.get_or_create(app_label="improvement", model="decision")
        AuditEvent.objects.create(
            actor=None,
            actor_label=ACTOR_LABEL,
            action=ACTION,
            content_type=decision_type,
            object_id=str(decision.pk),
            object_repr=f"{decision.reference}: {decision.subject}"[:300],
            changes={"decided_by_name": [old, body]},
            note="The public register names the deciding role or body, never a person.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0003_decision_outcome_superseded"),
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
