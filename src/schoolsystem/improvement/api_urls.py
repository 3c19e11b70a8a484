"""API routes of the improvement app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from schoolsystem.improvement import api

router = SimpleRouter()
router.register("decisions", api.PublicDecisionViewSet, basename="decision")
router.register("cases", api.CaseViewSet, basename="case")
router.register("support-offers", api.OfferViewSet, basename="support-offer")
router.register("support-requests", api.SupportRequestViewSet, basename="support-request")
router.register("peer-reviews", api.PeerReviewViewSet, basename="peer-review")

urlpatterns = router.urls
