"""Case.identified_on: when the concern was identified, apart from when the case was recorded (created_on). An
existing case gets the earliest of the day it was recorded and the dates of its dated steps (warning notice,
visits, early conversations, reviews, consultations), so a notice issued on paper before the case was recorded no
longer makes the case look identified after its notice. Each case set is audited."""

from datetime import date

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone

ACTION = "case.identified_on_set"
ACTOR_LABEL = "migration:improvement.0005"
# Dates a case's events carry in their data (services.cases: visit, early conversation, warning notice, review).
EVENT_DATE_KEYS = ("visited_on", "held_on", "issued_on", "reviewed_on")


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def earliest_date(*, recorded_on: date, notice_on: date | None, event_data, consulted_on) -> date:
    """The earliest of the day the case was recorded, its warning notice's date, the dates its events carry and its
    consultations' dates."""
    dates = [recorded_on, notice_on, *consulted_on]
    for data in event_data:
        if isinstance(data, dict):
            dates.extend(_day(data.get(key)) for key in EVENT_DATE_KEYS)
    return min(d for d in dates if d is not None)


def forwards(apps, schema_editor):
    Case = apps.get_model("improvement", "Case")
    CaseEvent = apps.get_model("improvement", "CaseEvent")
    Consultation = apps.get_model("improvement", "Consultation")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = None
    for case in Case.objects.only("pk", "created_on", "warning_notice_issued_on", "identified_on").iterator():
        identified = earliest_date(
            recorded_on=timezone.localtime(case.created_on).date(),
            notice_on=case.warning_notice_issued_on,
            event_data=CaseEvent.objects.filter(case_id=case.pk).values_list("data", flat=True),
            consulted_on=Consultation.objects.filter(case_id=case.pk).values_list("consulted_on", flat=True),
        )
        Case.objects.filter(pk=case.pk).update(identified_on=identified)
        if case_type is None:
            case_type, _ = ContentType.objects.get_or_create(app_label="improvement", model="case")
        AuditEvent.objects.create(
            actor=None,
            actor_label=ACTOR_LABEL,
            action=ACTION,
            content_type=case_type,
            object_id=str(case.pk),
            object_repr=f"Case {case.pk}",
            changes={"identified_on": [None, identified.isoformat()]},
            note="Date identified set from the case's record: the earliest of the day it was recorded and its steps.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0004_decided_by_names_a_body"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="identified_on",
            field=models.DateField(default=django.utils.timezone.localdate),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
