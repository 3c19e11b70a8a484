"""Registry API routes, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from schoolsystem.registry import api

router = SimpleRouter()
router.register("local-authorities", api.LocalAuthorityViewSet, basename="local-authority")
router.register("establishments", api.EstablishmentViewSet, basename="establishment")
router.register("groups", api.GroupViewSet, basename="group")
router.register("memberships", api.MembershipViewSet, basename="membership")
router.register("links", api.LinkViewSet, basename="link")
router.register("system-leaders", api.SystemLeaderViewSet, basename="system-leader")

urlpatterns = router.urls
