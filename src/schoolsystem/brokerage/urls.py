"""Pages of the brokerage app (mounted in schoolsystem/urls.py)."""

from django.urls import path

from schoolsystem.brokerage import views

app_name = "brokerage"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path(
        "rounds/<int:pk>/schools/<int:school_pk>/preferences/",
        views.round_school_preferences,
        name="round-school-preferences",
    ),
    path("rounds/<int:pk>/what-if/", views.what_if, name="what-if"),
    path("schools/<int:urn>/shortlist/", views.school_shortlist, name="school-shortlist"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
]
