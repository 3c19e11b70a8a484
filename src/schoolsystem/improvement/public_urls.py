"""Public pages (no sign-in) of the improvement app: the decision register at /decisions/."""

from django.urls import path

from schoolsystem.improvement import public_views

app_name = "decisions"
urlpatterns = [
    path("", public_views.register, name="register"),
    path("export.csv", public_views.export, name="export"),
    path("<int:pk>/", public_views.detail, name="detail"),
    path("<int:pk>/minutes/", public_views.minutes, name="minutes"),
]
