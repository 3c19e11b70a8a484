"""Every write made in the Django admin is an AuditEvent (who, when, before/after), like writes made through the
services: a role or scope changed by an administrator is on the record. Installed once, in CoreConfig.ready, by
wrapping ModelAdmin's save and delete hooks (so every registered model, ours or Django's, is covered): the object
itself (`save_model`, `delete_model`, `delete_queryset`), its many-to-many fields (`save_related`: a user's groups
and permissions) and the rows of its inlines (`save_formset`: added, changed and deleted rows, each its own event).
A password set on the admin's password page is audited in `accounts.admin`, without the hash."""

from django.contrib import admin

from schoolsystem.core.audit import build_event, diff, snapshot

# Never copy a secret into the audit log: a password hash, an API token's key.
HIDDEN = {"password", "key"}


def _state(obj) -> dict:
    return {k: ("(hidden)" if k in HIDDEN else v) for k, v in snapshot(obj).items()}


def _many_to_many(obj) -> dict:
    """{field: sorted ids} of the object's many-to-many fields (the ones the admin form edits)."""
    if obj.pk is None:
        return {}
    return {f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in obj._meta.many_to_many}


def _audit(obj, action: str, actor, changes: dict):
    """One admin event. Its object's name is scrubbed of secrets too: an API token's name is its key."""
    event = build_event(
        obj=obj, action=f"{_label(obj)}.{action}", actor=actor, changes=changes, note="Django admin"
    )
    for name in HIDDEN:
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            event.object_repr = event.object_repr.replace(value, "(hidden)")
    event.save()
    return event


def _deleted(obj, actor) -> None:
    _audit(obj, "deleted", actor, {k: [v, None] for k, v in _state(obj).items()})


def _label(obj) -> str:
    return f"admin.{obj._meta.model_name}"


def install() -> None:
    if getattr(admin.ModelAdmin, "_audited", False):
        return
    save_model, delete_model, delete_queryset, save_related, save_formset = (
        admin.ModelAdmin.save_model,
        admin.ModelAdmin.delete_model,
        admin.ModelAdmin.delete_queryset,
        admin.ModelAdmin.save_related,
        admin.ModelAdmin.save_formset,
    )

    def audited_save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _state(stored) if stored is not None else {}
        save_model(self, request, obj, form, change)
        # Kept on the object for `save_related`, which adds the many-to-many changes to this same event.
        obj._admin_audit_event = _audit(
            obj, "changed" if change else "created", request.user, diff(before, _state(obj))
        )

    def audited_delete_model(self, request, obj):
        _deleted(obj, request.user)
        delete_model(self, request, obj)

    def audited_delete_queryset(self, request, queryset):
        for obj in queryset:
            _deleted(obj, request.user)
        delete_queryset(self, request, queryset)

    def audited_save_related(self, request, form, formsets, change):
        """Many-to-many fields are saved here, after `save_model`: their changes join its event (same request,
        same transaction), or make one when the object's own fields did not change."""
        obj = form.instance
        before = _many_to_many(obj) if change else {}
        save_related(self, request, form, formsets, change)
        changes = diff(before, _many_to_many(obj))
        event = getattr(obj, "_admin_audit_event", None)
        if changes and event is not None:
            event.changes = {**event.changes, **changes}
            event.save(update_fields=["changes"])
        elif changes:
            _audit(obj, "changed", request.user, changes)

    def audited_save_formset(self, request, form, formset, change):
        """An inline's rows: each added, changed or deleted row is its own event, with its before and after."""
        # The changed rows as stored (the forms have already changed their instances in memory): one query.
        changed = [
            f.instance.pk for f in formset.initial_forms if f.instance.pk is not None and f.has_changed()
        ]
        rows = formset.model._default_manager.filter(pk__in=changed) if changed else []
        stored = {o.pk: _state(o) for o in rows}
        for f in formset.initial_forms:  # before they go: a deleted row has no pk afterwards
            if f.instance.pk is not None and formset.can_delete and formset._should_delete_form(f):
                _deleted(f.instance, request.user)
        save_formset(self, request, form, formset, change)
        for obj in formset.new_objects:
            _audit(obj, "created", request.user, diff({}, _state(obj)))
        for obj, _fields in formset.changed_objects:
            _audit(obj, "changed", request.user, diff(stored.get(obj.pk, {}), _state(obj)))

    admin.ModelAdmin.save_model = audited_save_model
    admin.ModelAdmin.delete_model = audited_delete_model
    admin.ModelAdmin.delete_queryset = audited_delete_queryset
    admin.ModelAdmin.save_related = audited_save_related
    admin.ModelAdmin.save_formset = audited_save_formset
    admin.ModelAdmin._audited = True
