"""API routes of the performance app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from schoolsystem.performance import api

router = SimpleRouter()
router.register("performance/indicators", api.IndicatorViewSet, basename="performance-indicator")
router.register("performance/risk-results", api.RiskResultViewSet, basename="performance-risk-result")

urlpatterns = [
    path("performance/report-cards/<int:urn>/", api.report_card, name="performance-report-card"),
    path("performance/scorecards/<int:pk>/", api.group_scorecard, name="performance-scorecard"),
    *router.urls,
]
