"""Pages of the performance app (mounted at /performance/)."""

from django.urls import path

from schoolsystem.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.home, name="home"),
    path("report-cards/", views.find_school, name="find-school"),
    path("at-risk/", views.at_risk, name="at-risk"),
    path("schools/<int:urn>/risk/", views.school_risk, name="school-risk"),
    path("schools/<int:urn>/report-card/", views.report_card, name="report-card"),
    path("schools/<int:urn>/report-card.pdf", views.report_card_pdf, name="report-card-pdf"),
    path("schools/<int:urn>/report-card.csv", views.report_card_csv, name="report-card-csv"),
    path("groups/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("groups/<int:pk>/scorecard.csv", views.scorecard_csv, name="scorecard-csv"),
    path("la/<str:code>/scorecard/", views.la_scorecard, name="la-scorecard"),
]
