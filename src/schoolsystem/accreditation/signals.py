"""Keep providers' led schools in step with the registry: when a Membership is saved or deleted, the
accreditations it may affect re-derive their registry-sourced led schools (audited as the system)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from schoolsystem.accreditation import services
from schoolsystem.registry.models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="accreditation_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accreditation_membership_deleted")
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    for accreditation in services.accreditations_affected_by_membership(instance):
        services.accreditation_sync_led_schools(accreditation=accreditation)
