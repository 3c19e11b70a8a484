"""API routes of the accreditation app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from schoolsystem.accreditation.api import (
    AccreditationViewSet,
    AccreditedProviderViewSet,
    ApplicationViewSet,
    ComplaintViewSet,
)

router = SimpleRouter()
router.register("accredited-providers", AccreditedProviderViewSet, basename="accredited-provider")
router.register("accreditation/applications", ApplicationViewSet, basename="accreditation-application")

router.register("accreditation/complaints", ComplaintViewSet, basename="accreditation-complaint")
router.register("accreditation/accreditations", AccreditationViewSet, basename="accreditation-accreditation")

urlpatterns = router.urls
