"""API routes of the brokerage app, mounted under /api/v1/."""

from django.urls import path

from schoolsystem.brokerage import api

urlpatterns = [
    path("brokerage/rounds/", api.RoundListView.as_view(), name="brokerage-rounds"),
    path("brokerage/rounds/<int:pk>/", api.RoundDetailView.as_view(), name="brokerage-round"),
    path(
        "brokerage/rounds/<int:pk>/<slug:action>/",
        api.RoundActionView.as_view(),
        name="brokerage-round-action",
    ),
    path(
        "brokerage/schools/<int:urn>/shortlist/",
        api.SchoolShortlistView.as_view(),
        name="brokerage-shortlist",
    ),
    path("brokerage/proposals/", api.ProposalListView.as_view(), name="brokerage-proposals"),
    path("brokerage/proposals/<int:pk>/", api.ProposalDetailView.as_view(), name="brokerage-proposal"),
    path(
        "brokerage/proposals/<int:pk>/<slug:action>/",
        api.ProposalActionView.as_view(),
        name="brokerage-proposal-action",
    ),
]
