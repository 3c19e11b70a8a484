"""Every write made in the Django admin is an AuditEvent (who, when, before/after), like writes made through the
services: a role or scope changed by an administrator is on the record. Installed once, in CoreConfig.ready, by
wrapping ModelAdmin's save and delete hooks (so every registered model, ours or Django's, is covered)."""

from django.contrib import admin

from schoolsystem.core.audit import audit, diff, snapshot

HIDDEN = {"password"}  # never copy a password hash into the audit log


def _state(obj) -> dict:
    return {k: ("(hidden)" if k in HIDDEN else v) for k, v in snapshot(obj).items()}


def _label(obj) -> str:
    return f"admin.{obj._meta.model_name}"


def install() -> None:
    if getattr(admin.ModelAdmin, "_audited", False):
        return
    save_model, delete_model, delete_queryset = (
        admin.ModelAdmin.save_model,
        admin.ModelAdmin.delete_model,
        admin.ModelAdmin.delete_queryset,
    )

    def audited_save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _state(stored) if stored is not None else {}
        save_model(self, request, obj, form, change)
        after = _state(obj)
        audit(
            obj=obj,
            action=f"{_label(obj)}.{'changed' if change else 'created'}",
            actor=request.user,
            changes=diff(before, after),
            note="Django admin",
        )

    def audited_delete_model(self, request, obj):
        before = _state(obj)
        audit(obj=obj, action=f"{_label(obj)}.deleted", actor=request.user, changes={k: [v, None] for k, v in before.items()}, note="Django admin")  # fmt: skip
        delete_model(self, request, obj)

    def audited_delete_queryset(self, request, queryset):
        for obj in queryset:
            before = _state(obj)
            audit(obj=obj, action=f"{_label(obj)}.deleted", actor=request.user, changes={k: [v, None] for k, v in before.items()}, note="Django admin")  # fmt: skip
        delete_queryset(self, request, queryset)

    admin.ModelAdmin.save_model = audited_save_model
    admin.ModelAdmin.delete_model = audited_delete_model
    admin.ModelAdmin.delete_queryset = audited_delete_queryset
    admin.ModelAdmin._audited = True
