"""Public pages (no sign-in) of the accreditation app: the register of accredited providers."""

from django.urls import path

from schoolsystem.accreditation import views

app_name = "accredited_providers"
urlpatterns = [path("", views.register, name="register")]
