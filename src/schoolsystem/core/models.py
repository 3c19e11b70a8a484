"""Base models, the append-only audit log and the import record."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class TimeStampedModel(models.Model):
    created_on = models.DateTimeField(auto_now_add=True, db_index=True)
    modified_on = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# Import kinds written in capitals when an import is named as the actor ("import:gias" -> "GIAS import").
_ACRONYMS = frozenset({"gias", "ks2", "ks4", "api", "csv"})


class AuditEvent(models.Model):
    """One change to one object: who, when, what, old and new values. Written in the same transaction as the change.

    Append-only: nothing in the application updates or deletes rows here (Zulip's RealmAuditLog is the model).
    """

    occurred_on = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who acted when there is no user (an import run from the command line, the demo loader): "import:gias" etc.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    # {"field": [old, new], ...} for updates; {"field": [None, new]} for creations.
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    import_record = models.ForeignKey(
        "core.ImportRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d %H:%M} {self.who} {self.action} {self.object_repr}"

    @property
    def who(self) -> str:
        return self.actor.get_username() if self.actor_id else (self.actor_label or "system")

    @property
    def who_label(self) -> str:
        """Who, for a page: the user's name, or the import that wrote it ("import:gias_links" -> "GIAS links
        import")."""
        if self.actor_id:
            return self.actor.display_name
        kind = self.actor_label.removeprefix("import:")
        if kind != self.actor_label:
            words = [w.upper() if w in _ACRONYMS else w for w in kind.split("_")]
            return " ".join([*words, "import"])
        return self.actor_label or "system"

    @property
    def change_sentences(self) -> list[str]:
        """The changes as sentences with field labels ("URN set to 120716"), for pages (core.formatting). The
        model comes from ContentType's cache: no query per event."""
        from schoolsystem.core.formatting import change_sentences

        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        return change_sentences(model, self.changes or {})

    @property
    def action_label(self) -> str:
        """The action in words: "membership.ended" -> "Membership ended"."""
        subject, _, verb = self.action.partition(".")
        return f"{subject.replace('_', ' ').capitalize()} {verb.replace('_', ' ')}".strip()


class ImportRecord(TimeStampedModel):
    """One import of one file: what, by whom, the counts, and the file's hash (stops re-importing by accident)."""

    kind = models.CharField(max_length=40, db_index=True)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    year = models.CharField(max_length=9, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.rows} rows)"
